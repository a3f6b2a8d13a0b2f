using Microsoft.Extensions.Logging;

namespace StreamScoring.Inference.Internal;

/// <summary>Log messages of <see cref="Serving.ModelHost"/>.</summary>
internal static partial class ModelHostLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Serving model {Version} from {ModelPath} on {Device} (spec {SpecHash}).")]
    public static partial void ModelLoaded(this ILogger logger, string version, string modelPath, ScoringDevice device, string specHash);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Model loader: {Detail}")]
    public static partial void LoadDetail(this ILogger logger, string detail);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Model files changed at {ModelPath}; loading the new version.")]
    public static partial void ReloadStarting(this ILogger logger, string modelPath);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Hot reload: now serving model {Version} (was {PreviousVersion}).")]
    public static partial void Reloaded(this ILogger logger, string version, string previousVersion);

    [LoggerMessage(EventId = 104, Level = LogLevel.Error, Message = "Hot reload of {ModelPath} failed; still serving model {Version}.")]
    public static partial void ReloadFailed(this ILogger logger, Exception exception, string modelPath, string version);

    [LoggerMessage(EventId = 105, Level = LogLevel.Error, Message = "Checking the model files at {ModelPath} failed.")]
    public static partial void PollFailed(this ILogger logger, Exception exception, string modelPath);
}
