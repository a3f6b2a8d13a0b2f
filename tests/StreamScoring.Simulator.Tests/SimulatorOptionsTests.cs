namespace StreamScoring.Simulator.Tests;

public sealed class SimulatorOptionsTests
{
    [Fact]
    public void Training_Defaults_ThreeThousandUsersOverTwoWeeks()
    {
        var options = SimulatorOptions.Training(9);

        Assert.Equal(9, options.Seed);
        Assert.Equal(3000, options.Users);
        Assert.Equal(14, options.Days);
        Assert.Equal(new DateTimeOffset(2019, 10, 1, 0, 0, 0, TimeSpan.Zero), options.Start);
        Assert.Equal(1.0, options.FraudIntensity);
        options.Validate();
    }

    [Fact]
    public void HeldOut_ComparedWithTraining_DiffersInMixIntensityAndPeriod()
    {
        var training = SimulatorOptions.Training(1);
        var heldOut = SimulatorOptions.HeldOut(1);

        heldOut.Validate();
        Assert.NotEqual(training.FraudIntensity, heldOut.FraudIntensity);
        Assert.True(heldOut.Start >= training.End, "the held-out period does not overlap training");
        Assert.All(Behaviours.All, b => Assert.NotEqual(Share(training, b), Share(heldOut, b), 3));
    }

    [Fact]
    public void HeldOut_Generated_HasADifferentBehaviourMix()
    {
        static Dictionary<Behaviour, int> Mix(SimulatorOptions o) =>
            ClickstreamSimulator.AssignBehaviours(o).GroupBy(b => b).ToDictionary(g => g.Key, g => g.Count());

        var training = Mix(SimulatorOptions.Training(1) with { Users = 2000 });
        var heldOut = Mix(SimulatorOptions.HeldOut(1) with { Users = 2000 });

        Assert.True(heldOut[Behaviour.AccountTakeover] > training[Behaviour.AccountTakeover]);
        Assert.True(heldOut[Behaviour.CardTesting] < training[Behaviour.CardTesting]);
        Assert.True(heldOut[Behaviour.Browser] < training[Behaviour.Browser]);
    }

    private static double Share(SimulatorOptions options, Behaviour behaviour) =>
        options.ShareOf(behaviour) / Behaviours.All.Sum(options.ShareOf);
}
