namespace StreamScoring.Worker.Alerts;

/// <summary>The event an alert is attributed to: the latest event behind the score.</summary>
/// <param name="EventId">Its id; null when the score was owed without a consumed event.</param>
/// <param name="SessionId">Its session id, when it carried one.</param>
/// <param name="DeviceId">Its device fingerprint, when it carried one.</param>
/// <param name="EventTime">Its timestamp (the scoring time when there is no event).</param>
internal readonly record struct HeadAlertTrigger(string? EventId, string? SessionId, string? DeviceId, DateTimeOffset EventTime);
