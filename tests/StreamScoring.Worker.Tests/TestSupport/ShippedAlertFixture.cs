using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Inference;
using StreamScoring.Inference.Serving;
using StreamScoring.Worker.Alerts;
using StreamScoring.Worker.Messages;
using StreamScoring.Worker.Pipeline;

namespace StreamScoring.Worker.Tests.TestSupport;

/// <summary>
/// A real fraud alert: the shipped model (with its segments and baselines) scores a user who logs in from a new device
/// and country and then fails payment after payment on cheap items; the decider and the composer turn it into the
/// <see cref="AlertMessage"/> the worker publishes.
/// </summary>
public sealed class ShippedAlertFixture : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 28, 21, 0, 0, TimeSpan.Zero);

    public ShippedAlertFixture()
    {
        var manifest = ModelManifest.Read(RepoPaths.Models("model.manifest.json"));
        var scorer = new OnnxScorer(RepoPaths.Models("model.onnx"), new OnnxScorerOptions { Device = ScoringDevice.Cpu });
        Snapshot = new ModelSnapshot(scorer, manifest, SegmentCentroids.Load(RepoPaths.Models(SegmentCentroids.FileName)), Start, generation: 1);

        var state = new UserWindowState();
        foreach (var evt in CardTesterEvents())
        {
            state.Apply(evt);
        }

        Features = new FeatureBatch(1);
        Features.Write(0, state);
        var scores = new float[FeatureSpec.Heads.Count];
        var embedding = new float[scorer.EmbeddingSize];
        scorer.Score(Features.Tokens, Features.Mask, Features.Aggregates, 1, scores, embedding);
        var segmentId = Snapshot.Segments!.Assign(embedding);
        Segment = new SegmentRef(segmentId, Snapshot.Segments.Names[segmentId]);
        var decided = new HeadAlert[FeatureSpec.Heads.Count];
        var count = new AlertDecider(new OptionsMonitorStub<ScoringOptions>(new ScoringOptions())).Decide(scores, manifest, decided);
        Alert = decided.Take(count).Single(a => a.Head == FeatureSpec.FraudHead);
        Trigger = new HeadAlertTrigger(Last.EventId, Last.SessionId, Last.DeviceId, Last.Timestamp);
        ScoredAt = Last.Timestamp.AddMilliseconds(40);
        Message = new HeadAlertComposer().Compose(Alert, UserId, Trigger, ScoredAt, Snapshot, Segment, Features, 0);
    }

    public const string UserId = "u-cardtester";

    public ModelSnapshot Snapshot { get; }

    public FeatureBatch Features { get; }

    public SegmentRef Segment { get; }

    internal HeadAlert Alert { get; }

    internal HeadAlertTrigger Trigger { get; }

    public DateTimeOffset ScoredAt { get; }

    public AlertMessage Message { get; }

    public ClickEvent Last { get; private set; } = null!;

    public void Dispose() => Snapshot.Scorer.Dispose();

    private List<ClickEvent> CardTesterEvents()
    {
        var events = new List<ClickEvent>();
        var t = Start.AddHours(-3);
        var n = 0;
        ClickEvent E(EventType type, TimeSpan after, double price = 0, string device = "d-home", string country = "DE", string session = "s-1", string? product = null)
        {
            t = t.Add(after);
            var e = new ClickEvent
            {
                EventId = $"e-{++n}", UserId = UserId, SessionId = session, TimestampMs = t.ToUnixTimeMilliseconds(), Type = type,
                ProductId = product, CategoryPath = product is null ? null : "gift.cards", Price = price, DeviceId = device, Country = country, Ip = "10.0.0.1",
            };
            events.Add(e);
            return e;
        }

        // A normal visit, then the burst from a fresh device abroad: cheap items, card after card declined.
        E(EventType.View, TimeSpan.Zero, 120, product: "p1");
        E(EventType.View, TimeSpan.FromMinutes(2), 80, product: "p2");
        E(EventType.Login, TimeSpan.FromHours(2), device: "d-new", country: "BR", session: "s-2");
        for (var i = 0; i < 6; i++)
        {
            var product = $"cheap-{i}";
            E(EventType.Cart, TimeSpan.FromSeconds(20), 4.99, device: "d-new", country: "BR", session: "s-2", product: product);
            E(EventType.CheckoutStart, TimeSpan.FromSeconds(5), 4.99, device: "d-new", country: "BR", session: "s-2", product: product);
            Last = E(EventType.PaymentFailed, TimeSpan.FromSeconds(3), 4.99, device: "d-new", country: "BR", session: "s-2", product: product);
        }

        return events;
    }
}
