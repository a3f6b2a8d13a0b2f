using System.ComponentModel.DataAnnotations;

namespace StreamScoring.Kafka;

/// <summary>Topic names, bound from <c>Kafka:Topics</c>.</summary>
public sealed class TopicOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = KafkaDefaults.SectionName + ":Topics";

    /// <summary>Clickstream input (JSON events, key = user id). Default <c>clickstream</c>.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Kafka:Topics:Input must name a topic.")]
    public string Input { get; set; } = KafkaDefaults.InputTopic;

    /// <summary>Per-user scores. Default <c>user-scores</c>.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Kafka:Topics:Scores must name a topic.")]
    public string Scores { get; set; } = KafkaDefaults.ScoresTopic;

    /// <summary>Campaign-effect statistics, one message per (campaign, segment, window) every minute. Default <c>campaign-stats</c>.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Kafka:Topics:CampaignStats must name a topic.")]
    public string CampaignStats { get; set; } = KafkaDefaults.CampaignStatsTopic;

    /// <summary>Fraud alerts. Default <c>alerts.fraud</c>.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Kafka:Topics:FraudAlerts must name a topic.")]
    public string FraudAlerts { get; set; } = KafkaDefaults.FraudAlertsTopic;

    /// <summary>Churn alerts. Default <c>alerts.churn</c>.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Kafka:Topics:ChurnAlerts must name a topic.")]
    public string ChurnAlerts { get; set; } = KafkaDefaults.ChurnAlertsTopic;

    /// <summary>Conversion alerts. Default <c>alerts.conversion</c>.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Kafka:Topics:ConversionAlerts must name a topic.")]
    public string ConversionAlerts { get; set; } = KafkaDefaults.ConversionAlertsTopic;

    /// <summary>Dead letters: invalid input, original bytes plus <c>error.*</c>/<c>source.*</c> headers. Default <c>clickstream.dlq</c>.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Kafka:Topics:DeadLetter must name a topic.")]
    public string DeadLetter { get; set; } = KafkaDefaults.DeadLetterTopic;
}
