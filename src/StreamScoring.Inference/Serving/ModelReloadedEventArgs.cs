namespace StreamScoring.Inference.Serving;

/// <summary>Data of <see cref="ModelHost.Reloaded"/>.</summary>
public sealed class ModelReloadedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public ModelReloadedEventArgs(string previousVersion, ModelSnapshot current)
    {
        PreviousVersion = previousVersion;
        Current = current;
    }

    /// <summary>The version that was replaced.</summary>
    public string PreviousVersion { get; }

    /// <summary>The version now served.</summary>
    public ModelSnapshot Current { get; }
}
