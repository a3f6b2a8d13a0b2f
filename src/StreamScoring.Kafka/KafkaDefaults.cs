namespace StreamScoring.Kafka;

/// <summary>Default values of the Kafka options and of the client settings the code forces.</summary>
public static class KafkaDefaults
{
    /// <summary>Configuration section of <see cref="KafkaOptions"/>.</summary>
    public const string SectionName = "Kafka";

    /// <summary>Consumer group of the scoring workers.</summary>
    public const string GroupId = "streamscoring";

    /// <summary>Consumer loops (Kafka consumer instances) per process.</summary>
    public const int Workers = 2;

    /// <summary>How often a loop stores the committable offsets of its partitions, in milliseconds.</summary>
    public const int StoreIntervalMs = 1_000;

    /// <summary>Poll timeout of the consumer loop, in milliseconds: the longest a stop request or a due offset store waits.</summary>
    public const int PollTimeoutMs = 100;

    /// <summary>
    /// How long a full downstream channel may stall the loop before it pauses its partitions, in
    /// milliseconds. Short stalls are cheaper than a pause, which drops librdkafka's prefetched messages.
    /// </summary>
    public const int BackpressureGraceMs = 1000;

    /// <summary>How long a paused loop waits for channel room between polls, in milliseconds.</summary>
    public const int PausedPollTimeoutMs = 50;

    /// <summary>How long a revoke waits for in-flight events of the revoked partitions, in milliseconds.</summary>
    public const int RevokeDrainTimeoutMs = 1_000;

    /// <summary>How long shutdown waits for in-flight events before the final commit, in milliseconds.</summary>
    public const int ShutdownDrainTimeoutMs = 10_000;

    /// <summary>
    /// How many offsets of one partition may be pending (handed downstream, not complete) before the
    /// loop pauses that partition until it drains.
    /// </summary>
    public const int MaxPendingOffsets = 50_000;

    /// <summary>How long shutdown may spend on the final commit, the wait for sibling loops and the consumer close, in milliseconds.</summary>
    public const int CloseTimeoutMs = 10_000;

    /// <summary>
    /// librdkafka <c>session.timeout.ms</c> when not configured, instead of Kafka's 45 s: how long a
    /// member that died without leaving (SIGKILL, node loss) holds its partitions. 6 s is the brokers'
    /// default minimum (<c>group.min.session.timeout.ms</c>). A restarted worker consumes again after
    /// about this plus its start-up time; with static membership (<see cref="ConsumerOptions.InstanceId"/>)
    /// a restart within the session takes its partitions back without a rebalance. A short session is
    /// affordable here: heartbeats come from librdkafka's own threads, which .NET garbage collections do
    /// not suspend, and a spurious rebalance is incremental (cooperative-sticky) and so cheap.
    /// </summary>
    public const int SessionTimeoutMs = 6_000;

    /// <summary>librdkafka <c>heartbeat.interval.ms</c> when not configured: a quarter of <see cref="SessionTimeoutMs"/>, so a session survives three lost heartbeats.</summary>
    public const int HeartbeatIntervalMs = 1_500;

    /// <summary>How often the lag monitor reads committed offsets and high watermarks, in milliseconds.</summary>
    public const int LagIntervalMs = 5_000;

    /// <summary>First back-off of a failed dead-letter produce, in milliseconds (Polly exponential back-off with jitter: about doubles per attempt).</summary>
    public const int DeadLetterRetryInitialMs = 100;

    /// <summary>How long a dead letter may be refused for authorization before the loop stops as fatal, in milliseconds (5 min).</summary>
    public const int DeadLetterRefusedForMs = 300_000;

    /// <summary>
    /// Most bytes of the original value a dead letter copies (64 KiB): the copy plus headers must fit the dead-letter
    /// topic's message size even when the original did not; the full value stays at its source offset, and the
    /// dead letter carries its length and SHA-256 (<see cref="DeadLetterHeaders"/>).
    /// </summary>
    public const int DeadLetterMaxPayloadBytes = 64 * 1024;

    /// <summary>Most bytes of original headers (keys and values) a dead letter copies (16 KiB); past it they are left out and counted in a header.</summary>
    public const int DeadLetterMaxHeaderBytes = 16 * 1024;

    /// <summary>Longest back-off of a failed dead-letter produce, in milliseconds.</summary>
    public const int DeadLetterRetryMaxMs = 10_000;

    /// <summary>How long disposing the output producer waits for outstanding deliveries, in milliseconds.</summary>
    public const int FlushTimeoutMs = 10_000;

    /// <summary>Default input topic.</summary>
    public const string InputTopic = "clickstream";

    /// <summary>Default score output topic.</summary>
    public const string ScoresTopic = "user-scores";

    /// <summary>Default campaign-effect statistics topic.</summary>
    public const string CampaignStatsTopic = "campaign-stats";

    /// <summary>Default fraud alert topic.</summary>
    public const string FraudAlertsTopic = "alerts.fraud";

    /// <summary>Default churn alert topic.</summary>
    public const string ChurnAlertsTopic = "alerts.churn";

    /// <summary>Default conversion alert topic.</summary>
    public const string ConversionAlertsTopic = "alerts.conversion";

    /// <summary>Default dead-letter topic.</summary>
    public const string DeadLetterTopic = "clickstream.dlq";
}
