using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StreamScoring.Training.Internal;

/// <summary>
/// Appends nodes and initializers to an ONNX <see cref="GraphProto"/> with generated, unique
/// value names, plus the few composite patterns the scoring model needs (Linear, GELU, LayerNorm).
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly Dictionary<string, int> _names = new(StringComparer.Ordinal);
    private readonly string _prefix = "";

    /// <summary>A builder of a new, empty graph.</summary>
    public OnnxGraphBuilder()
    {
    }

    /// <summary>
    /// A builder that appends to <paramref name="graph"/>, naming every value, node and initializer it adds with
    /// <paramref name="prefix"/> first, so nothing it adds can clash with a name already in the graph.
    /// </summary>
    public OnnxGraphBuilder(GraphProto graph, string prefix)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        Graph = graph;
        _prefix = prefix;
    }

    public GraphProto Graph { get; } = new() { Name = "streamscoring" };

    /// <summary>A float initializer holding a copy of <paramref name="tensor"/>'s values.</summary>
    public string Initializer(string name, Tensor tensor)
    {
        using var contiguous = tensor.detach().cpu().contiguous();
        return Initializer(name, contiguous.data<float>().ToArray(), contiguous.shape);
    }

    public string Initializer(string name, float[] values, params long[] dims)
    {
        var proto = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Float, RawData = Raw<float>(values) };
        proto.Dims.AddRange(dims);
        Graph.Initializer.Add(proto);
        return proto.Name;
    }

    public string Int64Initializer(string name, long[] values, params long[] dims)
    {
        var proto = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Int64, RawData = Raw<long>(values) };
        proto.Dims.AddRange(dims);
        Graph.Initializer.Add(proto);
        return proto.Name;
    }

    /// <summary>A float scalar (rank 0) initializer.</summary>
    public string Scalar(string name, float value) => Initializer(name, [value]);

    /// <summary>Adds a node of the default domain and returns its single output's name.</summary>
    public string Node(string opType, string[] inputs, string? output = null, params AttributeProto[] attributes)
    {
        var name = output ?? Unique(opType);
        var node = new NodeProto { OpType = opType, Name = Unique("n_" + opType) };
        node.Input.AddRange(inputs);
        node.Output.Add(name);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return name;
    }

    /// <summary>Adds a node of the default domain with several named outputs (TopK: values, indices).</summary>
    public void MultiOutputNode(string opType, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = Unique("n_" + opType) };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
    }

    /// <summary><c>x·Wᵀ + b</c> as MatMul + Add with the weight stored pre-transposed ([in, out]).</summary>
    public string Linear(string prefix, string input, Linear linear, string? output = null)
    {
        using var transposed = linear.weight!.detach().t();
        var weight = Initializer(prefix + ".weight_t", transposed);
        var product = Node("MatMul", [input, weight]);
        return Node("Add", [product, Initializer(prefix + ".bias", linear.bias!)], output);
    }

    /// <summary>Exact GELU, <c>0.5·x·(1 + erf(x / √2))</c>, the form torch's default <c>gelu</c> computes.</summary>
    public string Gelu(string input)
    {
        var scaled = Node("Div", [input, Scalar("sqrt2", MathF.Sqrt(2f))]);
        var erf = Node("Erf", [scaled]);
        var shifted = Node("Add", [erf, Scalar("one", 1f)]);
        var product = Node("Mul", [input, shifted]);
        return Node("Mul", [product, Scalar("half", 0.5f)]);
    }

    /// <summary>LayerNormalization (opset 17) over the last axis with the module's affine parameters.</summary>
    public string LayerNorm(string prefix, string input, LayerNorm norm) =>
        Node("LayerNormalization",
            [input, Initializer(prefix + ".weight", norm.weight!), Initializer(prefix + ".bias", norm.bias!)],
            null,
            Int("axis", -1),
            Float("epsilon", (float)norm.eps));

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>A tensor value description with a symbolic first (batch) axis and fixed other dims.</summary>
    public static ValueInfoProto Value(string name, TensorProto.Types.DataType type, string batchAxis, params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batchAxis });
        foreach (var dim in dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = dim });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    private string Unique(string name)
    {
        name = _prefix + name;
        var count = _names.GetValueOrDefault(name);
        _names[name] = count + 1;
        return count == 0 ? name : $"{name}_{count}";
    }

    // ONNX raw_data is little-endian; so is every platform .NET and libtorch run on here.
    private static ByteString Raw<T>(T[] values)
        where T : unmanaged => ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
}
