using System.Security.Cryptography;
using System.Text;

namespace StreamScoring.Features.Redis.Internal;

/// <summary>A Lua script and its SHA1, the name EVALSHA runs it by.</summary>
internal sealed class LuaScriptText
{
    /// <summary>Wraps <paramref name="text"/>.</summary>
    public LuaScriptText(string text)
    {
        Text = text;
#pragma warning disable CA5350 // SHA1 is how Redis names cached scripts, not a security measure.
        Sha1 = SHA1.HashData(Encoding.UTF8.GetBytes(text));
#pragma warning restore CA5350
    }

    /// <summary>The script source.</summary>
    public string Text { get; }

    /// <summary>The SHA1 of the UTF-8 source (20 bytes).</summary>
    public byte[] Sha1 { get; }
}
