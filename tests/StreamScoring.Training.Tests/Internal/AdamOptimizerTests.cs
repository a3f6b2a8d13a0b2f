using StreamScoring.Training.Internal;
using StreamScoring.Training.Tests.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamScoring.Training.Tests.Internal;

[Collection(TorchTests.Name)]
public sealed class AdamOptimizerTests
{
    private static readonly float[] Start = [0.5f, -1.5f, 2f, 0.25f];
    private static readonly float[] Target = [1f, 1f, -1f, 0f];

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    public void Step_FollowsAdamsUpdateStepForStep(double weightDecay)
    {
        const double learningRate = 0.05;
        const int steps = 25;
        using var scope = NewDisposeScope();
        var parameter = new TorchSharp.Modules.Parameter(tensor(Start));
        using var optimizer = new AdamOptimizer([parameter], learningRate, weightDecay);
        var expected = Start.Select(v => (double)v).ToArray();
        var m = new double[Start.Length];
        var v = new double[Start.Length];

        for (var step = 1; step <= steps; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.ZeroGrad();
            // Loss sum((p - target)^2): gradient 2 (p - target).
            var difference = parameter.sub(tensor(Target));
            difference.mul(difference).sum().backward();
            optimizer.Step();

            // The same update in plain doubles (Kingma and Ba, Algorithm 1; decay as in AdamW).
            for (var i = 0; i < expected.Length; i++)
            {
                var g = 2 * (expected[i] - Target[i]);
                expected[i] *= 1 - (learningRate * weightDecay);
                m[i] = (0.9 * m[i]) + (0.1 * g);
                v[i] = (0.999 * v[i]) + (0.001 * g * g);
                var denominator = (Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(0.999, step))) + 1e-8;
                expected[i] -= learningRate / (1 - Math.Pow(0.9, step)) * m[i] / denominator;
            }
        }

        var actual = parameter.detach().data<float>().ToArray();
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-4);
        }

        Assert.Equal(steps, optimizer.Steps);
    }

    [Fact]
    public void Step_LeavesAParameterWithoutAGradientAlone()
    {
        using var scope = NewDisposeScope();
        var used = new TorchSharp.Modules.Parameter(tensor(Start));
        var unused = new TorchSharp.Modules.Parameter(tensor(Start));
        using var optimizer = new AdamOptimizer([used, unused], 0.1);

        optimizer.ZeroGrad();
        used.sum().backward();
        optimizer.Step();

        Assert.Equal(Start, unused.detach().data<float>().ToArray());
        Assert.NotEqual(Start, used.detach().data<float>().ToArray());
    }

    [Fact]
    public void ZeroGrad_ClearsTheLastGradient()
    {
        using var scope = NewDisposeScope();
        var parameter = new TorchSharp.Modules.Parameter(tensor(Start));
        using var optimizer = new AdamOptimizer([parameter], 0.1);
        parameter.sum().backward();

        optimizer.ZeroGrad();

        using var grad = parameter.grad;
        Assert.All(grad!.data<float>().ToArray(), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void Constructor_RefusesANegativeRate()
    {
        using var scope = NewDisposeScope();
        var parameter = new TorchSharp.Modules.Parameter(tensor(Start));

        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamOptimizer([parameter], -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamOptimizer([parameter], 0.1, weightDecay: -1));
    }
}
