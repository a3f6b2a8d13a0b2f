namespace StreamScoring.Core.Events;

/// <summary>The kinds of clickstream event. Unknown types from producers map to <see cref="Other"/>.</summary>
/// <remarks>The numeric values are part of the feature specification (they become token ids): append, never reorder.</remarks>
public enum EventType : byte
{
    /// <summary>A product page view.</summary>
    View = 0,
    /// <summary>A product added to the cart.</summary>
    Cart = 1,
    /// <summary>A product removed from the cart.</summary>
    RemoveFromCart = 2,
    /// <summary>A completed purchase of one product (several rows with one session are one order).</summary>
    Purchase = 3,
    /// <summary>A search query.</summary>
    Search = 4,
    /// <summary>A login.</summary>
    Login = 5,
    /// <summary>The start of checkout.</summary>
    CheckoutStart = 6,
    /// <summary>A declined or failed payment.</summary>
    PaymentFailed = 7,
    /// <summary>Any type this schema does not name.</summary>
    Other = 8,
}
