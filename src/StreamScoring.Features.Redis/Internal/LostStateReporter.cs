using Microsoft.Extensions.Logging;

namespace StreamScoring.Features.Redis.Internal;

/// <summary>
/// Aggregates the "Redis had lost users' state" detections into episodes, so an empty Redis after a restart
/// costs one warning, not one line per user or per micro-batch: the first detection logs a warning at once,
/// the users restored after it are only counted, and when no detection has come for <see cref="QuietPeriod"/>
/// the episode ends with one summary line (checked on the store's next call; thread-safe).
/// </summary>
internal sealed class LostStateReporter(ILogger logger, TimeProvider time)
{
    /// <summary>How long without a detection ends an episode.</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private bool _inEpisode;
    private long _episodeUsers;
    private long _lastDetection;

    /// <summary>
    /// Records that <paramref name="users"/> users' state was missing in Redis and restored from memory; true
    /// when this starts an episode.
    /// </summary>
    public bool Restored(int users)
    {
        if (users <= 0)
        {
            return false;
        }

        lock (_lock)
        {
            _lastDetection = time.GetTimestamp();
            _episodeUsers += users;
            if (_inEpisode)
            {
                return false;
            }

            _inEpisode = true;
            RedisFeatureStoreLog.StateLost(logger, users);
            return true;
        }
    }

    /// <summary>Ends the episode with its summary once no detection has come for <see cref="QuietPeriod"/>.</summary>
    public void EndEpisodeIfQuiet()
    {
        if (!Volatile.Read(ref _inEpisode))
        {
            return;
        }

        lock (_lock)
        {
            if (_inEpisode && time.GetElapsedTime(_lastDetection) >= QuietPeriod)
            {
                _inEpisode = false;
                RedisFeatureStoreLog.StateLostEpisodeEnded(logger, _episodeUsers);
                _episodeUsers = 0;
            }
        }
    }
}
