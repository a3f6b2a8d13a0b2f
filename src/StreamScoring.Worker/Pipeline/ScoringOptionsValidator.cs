using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using StreamScoring.Core.Features;

namespace StreamScoring.Worker.Pipeline;

/// <summary>
/// Validates <see cref="ScoringOptions"/>: the data annotations of the top-level properties and the nested
/// per-head alert settings (which data annotations do not reach). Register with <c>ValidateOnStart()</c> so a
/// bad configuration stops the worker at start with a message that names the key.
/// </summary>
internal sealed class ScoringOptionsValidator : IValidateOptions<ScoringOptions>
{
    private static readonly TimeSpan MinCooldown = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxCooldown = TimeSpan.FromDays(30);

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, ScoringOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            failures.AddRange(results.Select(r => r.ErrorMessage ?? "Scoring is invalid."));
        }

        if (options.Alerts is null)
        {
            failures.Add("Scoring:Alerts must not be null.");
        }
        else
        {
            for (var head = 0; head < FeatureSpec.Heads.Count; head++)
            {
                var key = $"{ScoringDefaults.ScoringSection}:Alerts:{Capitalise(FeatureSpec.Heads[head])}";
                var settings = options.Alerts.ForHead(head);
                if (settings is null)
                {
                    failures.Add($"{key} must not be null.");
                    continue;
                }

                if (settings.Threshold is { } t && !(t >= 0 && t <= 1))
                {
                    failures.Add($"{key}:Threshold must be between 0 and 1 (or absent to use the model manifest's threshold).");
                }

                if (settings.Cooldown < MinCooldown || settings.Cooldown > MaxCooldown)
                {
                    failures.Add($"{key}:Cooldown must be between {MinCooldown} and {MaxCooldown}.");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string Capitalise(string head) => string.Concat(head[..1].ToUpperInvariant(), head.AsSpan(1));
}
