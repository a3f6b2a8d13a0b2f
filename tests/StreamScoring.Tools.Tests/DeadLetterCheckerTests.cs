using StreamScoring.Tools.Chaos.Checking;

namespace StreamScoring.Tools.Tests;

public class DeadLetterCheckerTests
{
    [Fact]
    public void Check_EachInputLandedWithItsCode_Passes()
    {
        var verdict = DeadLetterChecker.Check(
            [("a", "malformed_json", "malformed_json"), ("b", "missing_user_id", "missing_user_id"), ("c", "redelivered", null)],
            [("b", "missing_user_id"), ("a", "malformed_json")]);

        Assert.True(verdict.Passed);
        Assert.Equal(2, verdict.DeadLettered);
        Assert.Equal(3, verdict.KindsLanded);
    }

    [Fact]
    public void Check_InputNotDeadLettered_CountsMissing()
    {
        var verdict = DeadLetterChecker.Check([("a", "malformed_json", "malformed_json")], []);

        Assert.False(verdict.Passed);
        Assert.Equal(1, verdict.Missing);
        Assert.Equal(0, verdict.KindsLanded);
    }

    [Fact]
    public void Check_OtherCode_CountsWrongCode()
    {
        var verdict = DeadLetterChecker.Check([("a", "invalid_price", "invalid_price")], [("a", "wrong_field_type")]);

        Assert.Equal(1, verdict.WrongCode);
        Assert.Contains(verdict.Examples, e => e.Contains("wrong_field_type", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_RedeliveryDeadLettered_CountsUnexpected()
    {
        var verdict = DeadLetterChecker.Check([("c", "redelivered", null)], [("c", null)]);

        Assert.Equal(1, verdict.Unexpected);
        Assert.False(verdict.Passed);
    }

    [Fact]
    public void Check_DeadLetterOfNothingProduced_CountsUnexpected()
    {
        var verdict = DeadLetterChecker.Check([], [("valid-event", "malformed_json")]);

        Assert.Equal(1, verdict.Unexpected);
    }

    [Fact]
    public void Check_IdenticalInputsTwice_NeedsTwoDeadLetters()
    {
        var verdict = DeadLetterChecker.Check([("e", "empty_payload", "empty_payload"), ("e", "empty_payload", "empty_payload")], [("e", "empty_payload")]);

        Assert.Equal(1, verdict.Missing);
    }
}
