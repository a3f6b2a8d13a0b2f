using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StreamScoring.Training.Internal;

/// <summary>
/// Adam (Kingma and Ba, 2015) with decoupled weight decay (AdamW, Loshchilov and Hutter, 2019; none by default):
/// the update of <c>torch.optim.Adam</c> / <c>torch.optim.AdamW</c> with their defaults, step for step, but with
/// every scalar operand held for the whole step. TorchSharp's own optimizers pass temporary Scalars that a
/// collection on another thread can free mid-call (<see cref="HeldScalars"/>); that failed a training test about
/// one run in nine.
/// </summary>
internal sealed class AdamOptimizer : IDisposable
{
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double Epsilon = 1e-8;

    private static readonly Scalar Beta1Scalar = Beta1.ToScalar();
    private static readonly Scalar Beta2Scalar = Beta2.ToScalar();
    private static readonly Scalar OneMinusBeta1 = (1 - Beta1).ToScalar();
    private static readonly Scalar OneMinusBeta2 = (1 - Beta2).ToScalar();
    private static readonly Scalar EpsilonScalar = Epsilon.ToScalar();

    private readonly Parameter[] _parameters;
    private readonly Tensor[] _firstMoments;
    private readonly Tensor[] _secondMoments;
    private readonly double _learningRate;
    private readonly Scalar? _decay;
    private long _step;

    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">The step size.</param>
    /// <param name="weightDecay">Decoupled weight decay: each step multiplies a parameter by <c>1 - learningRate * weightDecay</c>.</param>
    public AdamOptimizer(IEnumerable<Parameter> parameters, double learningRate, double weightDecay = 0)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(learningRate);
        ArgumentOutOfRangeException.ThrowIfNegative(weightDecay);
        _parameters = [.. parameters];
        _learningRate = learningRate;
        _decay = weightDecay == 0 ? null : (1 - (learningRate * weightDecay)).ToScalar();
        _firstMoments = new Tensor[_parameters.Length];
        _secondMoments = new Tensor[_parameters.Length];
        for (var i = 0; i < _parameters.Length; i++)
        {
            // The moments live as long as the optimizer, not as long as the caller's dispose scope.
            _firstMoments[i] = zeros_like(_parameters[i]).DetachFromDisposeScope();
            _secondMoments[i] = zeros_like(_parameters[i]).DetachFromDisposeScope();
        }
    }

    /// <summary>Steps taken so far.</summary>
    public long Steps => _step;

    /// <summary>Sets every parameter's gradient to zero (a parameter without one yet keeps none).</summary>
    public void ZeroGrad()
    {
        foreach (var parameter in _parameters)
        {
            using var grad = parameter.grad;
            grad?.zero_();
        }
    }

    /// <summary>One update of every parameter that has a gradient.</summary>
    public void Step()
    {
        _step++;
        var biasCorrection1 = 1 - Math.Pow(Beta1, _step);
        var biasCorrection2 = 1 - Math.Pow(Beta2, _step);
        using var sqrtBiasCorrection2 = Math.Sqrt(biasCorrection2).ToScalar();
        using var negativeStepSize = (-_learningRate / biasCorrection1).ToScalar();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        for (var i = 0; i < _parameters.Length; i++)
        {
            var parameter = _parameters[i];
            var grad = parameter.grad;
            if (grad is null)
            {
                continue;
            }

            if (_decay is not null)
            {
                parameter.mul_(_decay);
            }

            _firstMoments[i].mul_(Beta1Scalar).add_(grad, OneMinusBeta1);
            _secondMoments[i].mul_(Beta2Scalar).addcmul_(grad, grad, OneMinusBeta2);
            var denominator = _secondMoments[i].sqrt().div_(sqrtBiasCorrection2).add_(EpsilonScalar, alpha: HeldScalars.One);
            parameter.addcdiv_(_firstMoments[i], denominator, negativeStepSize);
        }
    }

    public void Dispose()
    {
        foreach (var moment in _firstMoments.Concat(_secondMoments))
        {
            moment.Dispose();
        }

        _decay?.Dispose();
    }
}
