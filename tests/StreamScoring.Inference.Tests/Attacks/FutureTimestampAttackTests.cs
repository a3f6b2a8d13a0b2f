using Microsoft.Extensions.Time.Testing;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Inference;
using StreamScoring.Tests.Shared;
using Xunit.Abstractions;

namespace StreamScoring.Inference.Tests.Attacks;

/// <summary>
/// The attack: a fraudster sends one event dated years ahead, which would move their event-time clock so far that
/// every later real event is refused as too late (the 24 h allowed lateness) and their fraud features stay blank;
/// then they run a card-testing burst. The live parser's future-timestamp check defeats it. Everything here is
/// the real path: wire bytes, <see cref="ClickEventParser"/>, <see cref="InMemoryFeatureStore"/> (whose dedupe and
/// lateness rule every store shares) and the shipped ONNX model, judged by the manifest's fraud alert threshold.
/// </summary>
public sealed class FutureTimestampAttackTests(ITestOutputHelper output) : IDisposable
{
    private const string User = "fraudster-1";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
    private readonly OnnxScorer _scorer = new(RepositoryPaths.File("models", "model.onnx"), new OnnxScorerOptions { Device = ScoringDevice.Cpu });
    private readonly float _fraudThreshold = ModelManifest.Read(RepositoryPaths.File("models", "model.manifest.json")).AlertThresholds["fraud"];
    private int _next;
    private bool _lastApplied;

    public void Dispose() => _scorer.Dispose();

    [Fact]
    public async Task CardTestingBurst_AfterEventYearsAhead_FutureEventRefusedAndBurstScoredAsFraud()
    {
        var store = new InMemoryFeatureStore(_time);

        var futureError = await SendAsync(store, FutureEvent(), checkSkew: true);
        var burst = await CardTestingBurstAsync(store, checkSkew: true);

        Assert.Equal(EventError.FutureTimestamp, futureError);
        Assert.All(burst, r => Assert.Equal(Outcome.Applied, r));
        var fraud = await FraudScoreAsync(store);
        Assert.True(fraud > _fraudThreshold, $"fraud score {fraud} should exceed the alert threshold {_fraudThreshold}");
    }

    [Fact]
    public async Task CardTestingBurst_AfterEventYearsAheadWithoutTheCheck_BurstRefusedAsLateAndScoreBlind()
    {
        // The contrast: the clockless overload (as replay uses) lets the future event through, which is what
        // the live pipeline did before the check. It shows the test above cannot pass without the check.
        var store = new InMemoryFeatureStore(_time);

        var futureError = await SendAsync(store, FutureEvent(), checkSkew: false);
        var burst = await CardTestingBurstAsync(store, checkSkew: false);

        Assert.Equal(EventError.None, futureError);
        Assert.All(burst, r => Assert.Equal(Outcome.RefusedAsLate, r));
        Assert.Equal(1, store.Find(User)!.EventsTotal);
        var fraud = await FraudScoreAsync(store);
        Assert.True(fraud < _fraudThreshold, $"fraud score {fraud} should stay below the alert threshold {_fraudThreshold} (features blinded)");
    }

    [Fact]
    public async Task CardTestingBurst_WithoutAnyFutureEvent_ScoredAsFraud()
    {
        // The baseline the attack tries to hide: the same burst on its own.
        var store = new InMemoryFeatureStore(_time);

        var burst = await CardTestingBurstAsync(store, checkSkew: true);

        Assert.All(burst, r => Assert.Equal(Outcome.Applied, r));
        Assert.True(await FraudScoreAsync(store) > _fraudThreshold);
    }

    private enum Outcome
    {
        Applied,
        RefusedAsLate,
        Invalid,
    }

    private ClickEvent FutureEvent() =>
        Event(EventType.View, price: 0, product: "p-1", tsMs: _time.GetUtcNow().AddYears(3).ToUnixTimeMilliseconds());

    // Card testing as the simulator's card testers do it: a fresh device on a datacenter address, a login, a
    // couple of cheap views, then many cheap cart -> checkout -> declined payment attempts, a minute or so apart.
    private async Task<List<Outcome>> CardTestingBurstAsync(InMemoryFeatureStore store, bool checkSkew)
    {
        var outcomes = new List<Outcome>();
        async Task Step(ClickEvent evt, TimeSpan pause)
        {
            var error = await SendAsync(store, evt, checkSkew);
            outcomes.Add(error != EventError.None ? Outcome.Invalid : _lastApplied ? Outcome.Applied : Outcome.RefusedAsLate);
            _time.Advance(pause);
        }

        await Step(Event(EventType.Login), TimeSpan.FromSeconds(8));
        await Step(Event(EventType.View, price: 4.99, product: "p-cheap-1"), TimeSpan.FromSeconds(6));
        for (var attempt = 0; attempt < 16; attempt++)
        {
            var price = 2.5 + attempt % 5;
            var product = $"p-cheap-{attempt % 9}";
            await Step(Event(EventType.Cart, price, product), TimeSpan.FromSeconds(5));
            await Step(Event(EventType.CheckoutStart, price, product), TimeSpan.FromSeconds(7));
            await Step(Event(attempt % 6 == 5 ? EventType.Purchase : EventType.PaymentFailed, price, product), TimeSpan.FromSeconds(40));
        }

        return outcomes;
    }

    // Sends one event as the wire does: serialised, parsed from bytes with its key, then applied through the store.
    private async Task<EventError> SendAsync(InMemoryFeatureStore store, ClickEvent evt, bool checkSkew)
    {
        var key = System.Text.Encoding.UTF8.GetBytes(evt.UserId);
        var bytes = ClickEventWriter.ToUtf8(evt);
        var valid = checkSkew
            ? ClickEventParser.TryParse(key, bytes, new EventLimits(), _time.GetUtcNow().ToUnixTimeMilliseconds(), out var parsed, out var error)
            : ClickEventParser.TryParse(key, bytes, out parsed, out error);
        _lastApplied = false;
        if (valid)
        {
            var applied = new bool[1];
            await store.ApplyAsync([parsed!], applied);
            _lastApplied = applied[0];
        }

        return error;
    }

    private async Task<float> FraudScoreAsync(InMemoryFeatureStore store)
    {
        var batch = new FeatureBatch(1);
        await store.ReadAsync([User], batch);
        var scores = new float[FeatureSpec.Heads.Count];
        _scorer.Score(batch.Tokens, batch.Mask, batch.Aggregates, 1, scores, []);
        output.WriteLine($"fraud score {scores[FeatureSpec.FraudHead]:F4} (alert threshold {_fraudThreshold:F4}), events applied {store.Find(User)?.EventsTotal}");
        return scores[FeatureSpec.FraudHead];
    }

    private ClickEvent Event(EventType type, double price = 0, string? product = null, long? tsMs = null) => new()
    {
        EventId = $"{User}-e{++_next}",
        UserId = User,
        SessionId = "s-burst",
        TimestampMs = tsMs ?? _time.GetUtcNow().ToUnixTimeMilliseconds(),
        Type = type,
        ProductId = product,
        CategoryPath = product is null ? null : "accessories.cards",
        Price = price,
        DeviceId = "emulator-7f3a",
        Ip = "185.220.101.7",
        Country = "DE",
        UserAgent = "Mozilla/5.0",
    };
}
