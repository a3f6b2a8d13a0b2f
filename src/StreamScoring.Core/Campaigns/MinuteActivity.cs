namespace StreamScoring.Core.Campaigns;

/// <summary>One user's activity in one minute of event time.</summary>
internal struct MinuteActivity
{
    public int Minute;
    public int Events;
    public int Views;
    public int Carts;
    public int Purchases;
    public double Revenue;
}
