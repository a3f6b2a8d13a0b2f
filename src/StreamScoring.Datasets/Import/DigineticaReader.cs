using System.Globalization;
using StreamScoring.Core.Events;

namespace StreamScoring.Datasets.Import;

/// <summary>
/// Maps the DIGINETICA (CIKM Cup 2016, track 2) files onto the event schema: <c>train-item-views.csv</c>
/// (<c>session_id;user_id;item_id;timeframe;eventdate</c>), <c>train-purchases.csv</c>
/// (<c>sessionId;userId;timeframe;eventdate;ordernumber;itemId</c>) and <c>product-categories.csv</c>
/// (<c>itemId;categoryId</c>), all <c>;</c>-separated with a header row.
/// </summary>
/// <remarks>
/// Mapping: a view is a <see cref="EventType.View"/>, a purchase row a <see cref="EventType.Purchase"/>;
/// time = <c>eventdate</c> (UTC midnight) + <c>timeframe</c> (milliseconds since the session started);
/// session id <c>dg-&lt;session_id&gt;</c>; user id <c>dg-u&lt;user_id&gt;</c>, or <c>dg-s&lt;session_id&gt;</c> for an anonymous
/// session (<c>NA</c>), so anonymous sessions are separate users; category <c>dg.&lt;categoryId&gt;</c> when known;
/// price 0 (the data has none); no device, IP or country. Event ids are <c>diginetica-views:&lt;line&gt;</c> and
/// <c>diginetica-purchases:&lt;line&gt;</c>. Rows that do not parse are counted, not thrown.
/// </remarks>
public static class DigineticaReader
{
    /// <summary>File name of the item views.</summary>
    public const string ViewsFile = "train-item-views.csv";

    /// <summary>File name of the purchases.</summary>
    public const string PurchasesFile = "train-purchases.csv";

    /// <summary>File name of the item-to-category map.</summary>
    public const string CategoriesFile = "product-categories.csv";

    /// <summary>Reads the three files of <paramref name="directory"/> (the categories file is optional).</summary>
    public static (List<ClickEvent> Events, int BadRows) ReadDirectory(string directory)
    {
        using var views = new StreamReader(Path.Combine(directory, ViewsFile));
        using var purchases = new StreamReader(Path.Combine(directory, PurchasesFile));
        var categoriesPath = Path.Combine(directory, CategoriesFile);
        using var categories = File.Exists(categoriesPath) ? new StreamReader(categoriesPath) : null;
        return Read(views, purchases, categories);
    }

    /// <summary>Reads views, purchases and (optionally) categories; events are in file order (views first).</summary>
    public static (List<ClickEvent> Events, int BadRows) Read(TextReader views, TextReader purchases, TextReader? categories)
    {
        ArgumentNullException.ThrowIfNull(views);
        ArgumentNullException.ThrowIfNull(purchases);
        var bad = 0;
        var categoryOf = new Dictionary<string, string>(StringComparer.Ordinal);
        if (categories is not null)
        {
            foreach (var (_, f) in Rows(categories))
            {
                if (f.Length == 2 && f[0].Length > 0 && f[1].Length > 0)
                {
                    categoryOf[f[0]] = "dg." + f[1];
                }
                else
                {
                    bad++;
                }
            }
        }

        var events = new List<ClickEvent>();
        foreach (var (line, f) in Rows(views))
        {
            // session_id;user_id;item_id;timeframe;eventdate
            if (f.Length != 5 || Create("diginetica-views", line, f[0], f[1], f[2], f[3], f[4], EventType.View, categoryOf) is not { } evt)
            {
                bad++;
                continue;
            }

            events.Add(evt);
        }

        foreach (var (line, f) in Rows(purchases))
        {
            // sessionId;userId;timeframe;eventdate;ordernumber;itemId
            if (f.Length != 6 || Create("diginetica-purchases", line, f[0], f[1], f[5], f[2], f[3], EventType.Purchase, categoryOf) is not { } evt)
            {
                bad++;
                continue;
            }

            events.Add(evt);
        }

        return (events, bad);
    }

    private static ClickEvent? Create(string source, long line, string session, string user, string item, string timeframe, string date, EventType type, Dictionary<string, string> categoryOf)
    {
        if (session.Length == 0 || item.Length == 0
            || !long.TryParse(timeframe, NumberStyles.None, CultureInfo.InvariantCulture, out var offsetMs)
            || !DateTimeOffset.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var day))
        {
            return null;
        }

        var anonymous = user.Length == 0 || user == "NA";
        return new ClickEvent
        {
            EventId = string.Create(CultureInfo.InvariantCulture, $"{source}:{line}"),
            UserId = anonymous ? "dg-s" + session : "dg-u" + user,
            SessionId = "dg-" + session,
            TimestampMs = day.ToUnixTimeMilliseconds() + offsetMs,
            Type = type,
            ProductId = item,
            CategoryPath = categoryOf.GetValueOrDefault(item),
        };
    }

    // Data rows (after the header) split on ';', with their 1-based data-line number; blank lines skipped but counted.
    private static IEnumerable<(long Line, string[] Fields)> Rows(TextReader reader)
    {
        var line = 0L;
        var first = true;
        while (reader.ReadLine() is { } text)
        {
            if (first)
            {
                first = false;
                continue;
            }

            line++;
            if (text.Length > 0)
            {
                yield return (line, text.Split(';'));
            }
        }
    }
}
