using StackExchange.Redis;

namespace StreamScoring.Features.Redis.Internal;

/// <summary>
/// One user's write.lua call of a micro-batch. <paramref name="Events"/>: the ids this write makes durable, with
/// their new-device flags (kept as unconfirmed if it fails).
/// </summary>
internal sealed record PendingWrite(string User, CachedUser Entry, RedisKey Key, RedisValue[] Args, (string EventId, bool NewDevice)[] Events)
{
    /// <summary>A write was answered as done: if it is the copy's latest, Redis now holds the copy.</summary>
    public void Confirm()
    {
        lock (Entry.Lock)
        {
            if (Entry.Unconfirmed is not null && Entry.Version == (string)Args[1]!)
            {
                Entry.Unconfirmed = null;
            }
        }
    }

    /// <summary>A write got no answer (see <see cref="CachedUser.Unconfirmed"/>): its events are kept by id.</summary>
    public void MarkUnconfirmed()
    {
        lock (Entry.Lock)
        {
            Entry.Unconfirmed ??= new Dictionary<string, bool>(StringComparer.Ordinal);
            foreach (var (eventId, newDevice) in Events)
            {
                Entry.Unconfirmed[eventId] = newDevice;
            }
        }
    }
}
