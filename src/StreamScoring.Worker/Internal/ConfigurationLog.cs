using Microsoft.Extensions.Logging;

namespace StreamScoring.Worker.Internal;

/// <summary>Log messages of the configuration re-read while running (<see cref="LastValidOptionsMonitor{TOptions}"/>).</summary>
internal static partial class ConfigurationLog
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Error, Message = "Changed configuration for {Options} is invalid and was not applied; the previous values stay in force: {Failures}")]
    public static partial void ReloadRejected(this ILogger logger, string options, string failures);
}
