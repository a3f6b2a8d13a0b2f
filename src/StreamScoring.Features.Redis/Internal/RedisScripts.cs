namespace StreamScoring.Features.Redis.Internal;

/// <summary>The Lua scripts of the Redis feature store, embedded in the assembly.</summary>
internal static class RedisScripts
{
    /// <summary>Compare-and-set write of one user's snapshot or log batch (write.lua).</summary>
    public static LuaScriptText Write { get; } = Load("write");

    private static LuaScriptText Load(string name)
    {
        var resource = $"StreamScoring.Features.Redis.{name}.lua";
        using var stream = typeof(RedisScripts).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded script {resource} is missing from the assembly");
        using var reader = new StreamReader(stream);
        return new LuaScriptText(reader.ReadToEnd());
    }
}
