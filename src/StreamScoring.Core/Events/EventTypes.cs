namespace StreamScoring.Core.Events;

/// <summary>Wire names of <see cref="EventType"/> (snake_case, as in the JSON schema and the REES46 data).</summary>
public static class EventTypes
{
    /// <summary>Number of event types, <see cref="EventType.Other"/> included.</summary>
    public const int Count = 9;

    private static readonly string[] Names =
        ["view", "cart", "remove_from_cart", "purchase", "search", "login", "checkout_start", "payment_failed", "other"];

    /// <summary>The wire name of <paramref name="type"/>.</summary>
    public static string ToWireName(this EventType type) => Names[(int)type];

    /// <summary>Maps a UTF-8 wire name to its type; any unknown name is <see cref="EventType.Other"/>.</summary>
    public static EventType Parse(ReadOnlySpan<byte> utf8) => utf8 switch
    {
        _ when utf8.SequenceEqual("view"u8) => EventType.View,
        _ when utf8.SequenceEqual("cart"u8) => EventType.Cart,
        _ when utf8.SequenceEqual("remove_from_cart"u8) => EventType.RemoveFromCart,
        _ when utf8.SequenceEqual("purchase"u8) => EventType.Purchase,
        _ when utf8.SequenceEqual("search"u8) => EventType.Search,
        _ when utf8.SequenceEqual("login"u8) => EventType.Login,
        _ when utf8.SequenceEqual("checkout_start"u8) => EventType.CheckoutStart,
        _ when utf8.SequenceEqual("payment_failed"u8) => EventType.PaymentFailed,
        _ => EventType.Other,
    };

    /// <summary>Maps a wire name to its type; any unknown name is <see cref="EventType.Other"/>.</summary>
    public static EventType Parse(string name) => Parse(System.Text.Encoding.UTF8.GetBytes(name));
}
