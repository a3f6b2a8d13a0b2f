using System.Text.RegularExpressions;

namespace StreamScoring.Deploy.Tests.Chart;

/// <summary>
/// The keys of values.yaml and their <c># --</c> doc comments (helm-docs' convention: a comment block starting with
/// <c># --</c> directly above a key documents that key and everything below it), read line by line.
/// </summary>
internal sealed partial class ValuesDocumentation
{
    private ValuesDocumentation(IReadOnlyList<ValuesKey> keys) => Keys = keys;

    /// <summary>Every mapping key, in file order.</summary>
    public IReadOnlyList<ValuesKey> Keys { get; }

    /// <summary>Reads <paramref name="path"/>.</summary>
    public static ValuesDocumentation Read(string path)
    {
        var keys = new List<ValuesKey>();
        var stack = new List<(int Indent, string Name)>();
        var comment = new List<string>();
        foreach (var line in File.ReadLines(path))
        {
            var trimmed = line.TrimStart();
            if (trimmed.Length == 0)
            {
                comment.Clear();
                continue;
            }

            if (trimmed.StartsWith('#'))
            {
                comment.Add(trimmed);
                continue;
            }

            var match = KeyLine().Match(line);
            if (!match.Success)
            {
                comment.Clear(); // list items and continuation lines
                continue;
            }

            var indent = match.Groups["indent"].Length;
            stack.RemoveAll(entry => entry.Indent >= indent);
            stack.Add((indent, match.Groups["key"].Value));
            var documented = comment.Count > 0 && comment[0].StartsWith("# --", StringComparison.Ordinal);
            keys.Add(new ValuesKey(string.Join('.', stack.Select(e => e.Name)), documented, documented ? string.Join(' ', comment) : null));
            comment.Clear();
        }

        return new ValuesDocumentation(keys);
    }

    /// <summary>Keys with no <c># --</c> comment on themselves or on an enclosing key, and with no documented key below them.</summary>
    public IEnumerable<string> Undocumented()
    {
        var documented = Keys.Where(k => k.Documented).Select(k => k.Path).ToList();
        return Keys
            .Where(k => !k.Documented)
            .Where(k => !documented.Any(d => k.Path.StartsWith(d + ".", StringComparison.Ordinal))) // inside a documented key
            .Where(k => !documented.Any(d => d.StartsWith(k.Path + ".", StringComparison.Ordinal))) // a section of documented keys
            .Select(k => k.Path);
    }

    // `key:` or `key: value` at some indentation; keys may contain dots (librdkafka properties).
    [GeneratedRegex("^(?<indent> *)(?<key>[A-Za-z0-9_.\\-]+):( |$)")]
    private static partial Regex KeyLine();
}
