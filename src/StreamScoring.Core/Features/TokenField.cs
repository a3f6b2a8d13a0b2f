namespace StreamScoring.Core.Features;

/// <summary>The fields of one event token. Each has its own id range in the shared vocabulary.</summary>
public enum TokenField
{
    /// <summary>0 = padding, 1 = [CLS], 2 + <see cref="Events.EventType"/> otherwise.</summary>
    EventType = 0,
    /// <summary>0 = padding, 1 = no category, 2.. = hashed category bucket.</summary>
    Category = 1,
    /// <summary>0 = padding, 1 = no price, 2.. = log-scale price bucket.</summary>
    Price = 2,
    /// <summary>0 = padding, 1 = first event of the user, 2.. = log-scale gap to the previous event.</summary>
    TimeGap = 3,
    /// <summary>0 = padding, 1 + (device changed) + 2*(country changed) + 4*(new session) versus the previous event.</summary>
    Change = 4,
    /// <summary>0 = padding, 1 = no product, 2 = product first seen in the sequence, 3 = product seen before in it.</summary>
    Product = 5,
}
