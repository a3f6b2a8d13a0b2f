using System.Globalization;

namespace StreamScoring.Simulator.Internal;

/// <summary>Countries, IP addresses and user agents of simulated users and bots.</summary>
internal static class Network
{
    public static readonly string[] HomeCountries = ["US", "GB", "DE", "FR", "CA", "UA", "PL", "IN", "BR", "AU"];
    public static readonly double[] HomeCountryWeights = [0.42, 0.10, 0.08, 0.06, 0.07, 0.07, 0.06, 0.05, 0.05, 0.04];

    /// <summary>Where account takeovers log in from.</summary>
    public static readonly string[] AttackerCountries = ["RU", "NG", "VN", "RO", "ID", "CN", "BR", "UA"];

    /// <summary>Where scraping bots run (cloud regions).</summary>
    public static readonly string[] DatacenterCountries = ["US", "DE", "NL", "SG", "IE"];

    /// <summary>First octets used for cloud/datacenter addresses (AWS, GCP, DigitalOcean-like ranges).</summary>
    public static readonly int[] DatacenterFirstOctets = [3, 13, 18, 34, 35, 52, 54, 104, 138, 159, 167];

    /// <summary>First octets used for residential addresses; disjoint from <see cref="DatacenterFirstOctets"/>.</summary>
    public static readonly int[] ResidentialFirstOctets = [24, 46, 67, 73, 77, 81, 86, 91, 98, 109, 176, 188];

    public static readonly string[] HumanUserAgents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/77.0.3865.90 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.0.1 Safari/605.1.15",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 13_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.0.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 9; SM-G960F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/77.0.3865.92 Mobile Safari/537.36",
        "Mozilla/5.0 (X11; Linux x86_64; rv:69.0) Gecko/20100101 Firefox/69.0",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:69.0) Gecko/20100101 Firefox/69.0",
    ];

    public static readonly string[] BotUserAgents =
    [
        "python-requests/2.22.0",
        "Scrapy/1.7.3 (+https://scrapy.org)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/77.0.3865.90 Safari/537.36",
        "curl/7.66.0",
    ];

    public static string ResidentialIp(Random random) => Ip(random, ResidentialFirstOctets[random.Next(ResidentialFirstOctets.Length)]);

    public static string DatacenterIp(Random random) => Ip(random, DatacenterFirstOctets[random.Next(DatacenterFirstOctets.Length)]);

    public static bool IsDatacenterIp(string? ip)
    {
        var dot = ip?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        return dot > 0 && int.TryParse(ip.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            && Array.IndexOf(DatacenterFirstOctets, first) >= 0;
    }

    public static string DeviceId(Random random) => string.Create(CultureInfo.InvariantCulture, $"d-{random.NextInt64():x16}");

    private static string Ip(Random random, int first) =>
        string.Create(CultureInfo.InvariantCulture, $"{first}.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}");
}
