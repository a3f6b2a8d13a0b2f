namespace StreamScoring.Training.Calibration;

/// <summary>Per-user alerting on the first <see cref="Share"/> of a time-ordered stream at one threshold.</summary>
/// <param name="Share">Share of the stream's events (a prefix in time), like a demo that stops early.</param>
/// <param name="Users">Users seen in the prefix.</param>
/// <param name="Positives">Users with a positive event in the prefix.</param>
/// <param name="Alerted">Users with a score at or above the threshold in the prefix.</param>
/// <param name="TruePositives">Alerted users that are positive.</param>
/// <param name="Alerts">Alerts sent, with the head's cooldown per user applied.</param>
public sealed record UserAlertPoint(double Share, int Users, int Positives, int Alerted, int TruePositives, int Alerts)
{
    /// <summary>Alerted users that are positive / alerted users (NaN when none is alerted).</summary>
    public double Precision => Alerted == 0 ? double.NaN : (double)TruePositives / Alerted;

    /// <summary>Alerted positive users / positive users (NaN when none is positive).</summary>
    public double Recall => Positives == 0 ? double.NaN : (double)TruePositives / Positives;
}
