using System.Reflection;
using System.Runtime.InteropServices;

namespace StreamScoring.Embedded.Internal;

/// <summary>
/// P/Invoke into librdkafka's mock cluster API (<c>rdkafka_mock.h</c>), bound to the very native
/// library Confluent.Kafka loaded, so the mock cluster and the clients share one librdkafka.
/// </summary>
/// <remarks>
/// Confluent.Kafka binds <c>[DllImport]</c>s named <c>librdkafka</c>, then <c>centos8-librdkafka</c>,
/// then <c>alpine-librdkafka</c>, resolved from its own assembly (the NuGet <c>runtimes/*/native</c>
/// assets listed in the app's deps.json). <see cref="Resolve"/> asks the runtime for the same names
/// in the same order with Confluent's assembly as the requester, after forcing Confluent to load
/// first, so the handle is the one already mapped into the process.
/// </remarks>
internal static partial class MockClusterNative
{
    private const string LibraryName = "librdkafka";
    private static readonly string[] Candidates = ["librdkafka", "centos8-librdkafka", "alpine-librdkafka"];
    private static readonly Lazy<IntPtr> Handle = new(LoadHandle);

    static MockClusterNative() =>
        NativeLibrary.SetDllImportResolver(typeof(MockClusterNative).Assembly, Resolve);

    /// <summary>The <c>rd_kafka_type_t</c> of the mock cluster's owner handle.</summary>
    public const int ProducerType = 0;

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_conf_new")]
    public static partial IntPtr ConfNew();

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_conf_destroy")]
    public static partial void ConfDestroy(IntPtr conf);

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_conf_set", StringMarshalling = StringMarshalling.Utf8)]
    public static unsafe partial int ConfSet(IntPtr conf, string name, string value, byte* errstr, nuint errstrSize);

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_new")]
    public static unsafe partial IntPtr New(int type, IntPtr conf, byte* errstr, nuint errstrSize);

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_destroy")]
    public static partial void Destroy(IntPtr rk);

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_cluster_new")]
    public static partial IntPtr ClusterNew(IntPtr rk, int brokerCount);

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_cluster_destroy")]
    public static partial void ClusterDestroy(IntPtr mcluster);

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_cluster_bootstraps")]
    public static partial IntPtr ClusterBootstraps(IntPtr mcluster);

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_topic_create", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int TopicCreate(IntPtr mcluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_broker_set_down")]
    public static partial int BrokerSetDown(IntPtr mcluster, int brokerId);

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_broker_set_up")]
    public static partial int BrokerSetUp(IntPtr mcluster, int brokerId);

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_broker_set_rtt")]
    public static partial int BrokerSetRtt(IntPtr mcluster, int brokerId, int rttMs);

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_group_initial_rebalance_delay_ms")]
    public static partial void GroupInitialRebalanceDelayMs(IntPtr mcluster, int delayMs);

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_push_request_errors_array")]
    public static unsafe partial void PushRequestErrorsArray(IntPtr mcluster, short apiKey, nuint count, int* errors);

    /// <summary>Raises a fatal error on a client instance, as if librdkafka had hit one (<c>rd_kafka_test_fatal_error</c>); for tests.</summary>
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_test_fatal_error", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int TestFatalError(IntPtr rk, int error, string reason);

    /// <summary>The loaded library, for tests that check which file is in use.</summary>
    public static IntPtr LibraryHandle => Handle.Value;

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == LibraryName ? Handle.Value : IntPtr.Zero;

    private static IntPtr LoadHandle()
    {
        // Touching Library.Version makes Confluent.Kafka load and bind librdkafka (or throw its own
        // clear error) before we look it up.
        _ = Confluent.Kafka.Library.Version;
        var confluent = typeof(Confluent.Kafka.Library).Assembly;
        foreach (var name in Candidates)
        {
            if (NativeLibrary.TryLoad(name, confluent, null, out var handle)
                && NativeLibrary.TryGetExport(handle, "rd_kafka_mock_cluster_new", out _))
            {
                return handle;
            }
        }

        throw new DllNotFoundException(
            "librdkafka with the mock cluster API (rd_kafka_mock_cluster_new) was not found next to Confluent.Kafka; "
            + "the librdkafka.redist package's runtimes/<rid>/native assets must be deployed.");
    }
}
