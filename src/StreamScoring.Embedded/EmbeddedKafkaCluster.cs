using System.Runtime.InteropServices;
using Confluent.Kafka;
using StreamScoring.Embedded.Internal;

namespace StreamScoring.Embedded;

/// <summary>
/// An in-process Kafka cluster: librdkafka's built-in mock cluster, which speaks the real Kafka
/// protocol over loopback TCP (consumer groups, idempotent producers, fault injection) for tests,
/// demos and benchmarks. Not for production: each partition keeps only a few MB and there is no
/// admin API, so topics are made with <see cref="CreateTopic"/>.
/// </summary>
/// <remarks>See <see href="https://github.com/confluentinc/librdkafka/blob/master/src/rdkafka_mock.h"/>.</remarks>
public sealed class EmbeddedKafkaCluster : IDisposable
{
    private const int ErrorBufferSize = 512;
    private readonly Lock _lock = new();
    private IntPtr _owner;
    private IntPtr _cluster;

    /// <summary>Starts a mock cluster with <paramref name="brokers"/> brokers (ids 1..n) on loopback.</summary>
    /// <exception cref="InvalidOperationException">librdkafka could not create the cluster.</exception>
    public EmbeddedKafkaCluster(int brokers = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        BrokerCount = brokers;
        _owner = CreateOwner();
        _cluster = MockClusterNative.ClusterNew(_owner, brokers);
        if (_cluster == IntPtr.Zero)
        {
            MockClusterNative.Destroy(_owner);
            _owner = IntPtr.Zero;
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed (see librdkafka's log on stderr).");
        }

        BootstrapServers = Marshal.PtrToStringUTF8(MockClusterNative.ClusterBootstraps(_cluster))
            ?? throw new InvalidOperationException("The mock cluster reported no bootstrap servers.");
    }

    /// <summary>Comma-separated <c>host:port</c> list for <c>bootstrap.servers</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>Number of brokers; their ids are 1..<see cref="BrokerCount"/>.</summary>
    public int BrokerCount { get; }

    /// <summary>Creates a topic (the mock cluster has no admin API).</summary>
    /// <exception cref="KafkaException">The cluster refused, for example because the topic exists.</exception>
    public void CreateTopic(string name, int partitions, int replicationFactor = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        lock (_lock)
        {
            ThrowIfFailed(MockClusterNative.TopicCreate(Cluster, name, partitions, replicationFactor));
        }
    }

    /// <summary>Takes broker <paramref name="brokerId"/> down: its connections close and it refuses new ones.</summary>
    public void SetBrokerDown(int brokerId)
    {
        lock (_lock)
        {
            ThrowIfFailed(MockClusterNative.BrokerSetDown(Cluster, brokerId));
        }
    }

    /// <summary>Brings broker <paramref name="brokerId"/> back up.</summary>
    public void SetBrokerUp(int brokerId)
    {
        lock (_lock)
        {
            ThrowIfFailed(MockClusterNative.BrokerSetUp(Cluster, brokerId));
        }
    }

    /// <summary>
    /// Adds <paramref name="roundTripTime"/> of latency to every response of broker <paramref name="brokerId"/>
    /// (<c>rd_kafka_mock_broker_set_rtt</c>); <see cref="TimeSpan.Zero"/> removes it.
    /// </summary>
    public void SetBrokerRoundTripTime(int brokerId, TimeSpan roundTripTime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(roundTripTime, TimeSpan.Zero);
        lock (_lock)
        {
            ThrowIfFailed(MockClusterNative.BrokerSetRtt(Cluster, brokerId, (int)Math.Min(int.MaxValue, roundTripTime.TotalMilliseconds)));
        }
    }

    /// <summary>
    /// Sets how long the group coordinator waits for more members before the first rebalance of a
    /// new group (Kafka's <c>group.initial.rebalance.delay.ms</c>; the mock default is 3 s).
    /// </summary>
    public void SetGroupInitialRebalanceDelay(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        lock (_lock)
        {
            MockClusterNative.GroupInitialRebalanceDelayMs(Cluster, (int)Math.Min(int.MaxValue, delay.TotalMilliseconds));
        }
    }

    /// <summary>
    /// Makes the next requests of API <paramref name="apiKey"/> (Kafka protocol ApiKey, e.g. 0 = Produce,
    /// 8 = OffsetCommit) fail with <paramref name="errors"/>, one per request, in order.
    /// </summary>
    public unsafe void PushRequestErrors(short apiKey, params ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var codes = new int[errors.Length];
        for (var i = 0; i < errors.Length; i++)
        {
            codes[i] = (int)errors[i];
        }

        lock (_lock)
        {
            fixed (int* p = codes)
            {
                MockClusterNative.PushRequestErrorsArray(Cluster, apiKey, (nuint)codes.Length, p);
            }
        }
    }

    /// <summary>Stops the brokers and frees the cluster. Clients still connected see the brokers go away.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            // The cluster belongs to its owner handle: destroy it first, then the handle.
            if (_cluster != IntPtr.Zero)
            {
                MockClusterNative.ClusterDestroy(_cluster);
                _cluster = IntPtr.Zero;
            }

            if (_owner != IntPtr.Zero)
            {
                MockClusterNative.Destroy(_owner);
                _owner = IntPtr.Zero;
            }
        }
    }

    private IntPtr Cluster
    {
        get
        {
            ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
            return _cluster;
        }
    }

    private static unsafe IntPtr CreateOwner()
    {
        var conf = MockClusterNative.ConfNew();
        var errstr = stackalloc byte[ErrorBufferSize];
        // The owner handle only hosts the mock cluster's thread; warnings and errors still reach stderr.
        _ = MockClusterNative.ConfSet(conf, "log_level", "4", errstr, ErrorBufferSize);
        var rk = MockClusterNative.New(MockClusterNative.ProducerType, conf, errstr, ErrorBufferSize);
        if (rk == IntPtr.Zero)
        {
            // rd_kafka_new takes the configuration only when it succeeds.
            MockClusterNative.ConfDestroy(conf);
            throw new InvalidOperationException("rd_kafka_new failed: " + Marshal.PtrToStringUTF8((IntPtr)errstr));
        }

        return rk;
    }

    private static void ThrowIfFailed(int error)
    {
        if (error != 0)
        {
            throw new KafkaException((ErrorCode)error);
        }
    }
}
