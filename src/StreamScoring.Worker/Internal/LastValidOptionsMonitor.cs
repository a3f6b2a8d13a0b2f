using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace StreamScoring.Worker.Internal;

/// <summary>
/// An <see cref="IOptionsMonitor{TOptions}"/> for options re-read while running (<c>Scoring:*</c> from the mounted
/// configuration directory) that keeps the last valid value when a reload fails validation, instead of throwing
/// from <see cref="CurrentValue"/>.
/// </summary>
/// <remarks>
/// <para>With the framework's monitor, an invalid edit of a ConfigMap (a threshold of 1.5) makes every
/// <c>CurrentValue</c> read throw <see cref="OptionsValidationException"/>: the debouncer reads it per event, so the
/// pipeline stage fails, the worker exits, and every restart fails validation at start: one typo takes down every
/// pod at once. Here the reload is refused and logged (event 400) and the previous value stays in force; the first
/// value still throws when invalid, so a bad configuration at start still stops the start (<c>ValidateOnStart</c>).</para>
/// <para>Values are created once per change, not per read: a failed reload is not retried on every
/// <c>CurrentValue</c> (which would cost an exception per event).</para>
/// </remarks>
internal sealed class LastValidOptionsMonitor<TOptions> : IOptionsMonitor<TOptions>, IDisposable
    where TOptions : class
{
    private readonly IOptionsFactory<TOptions> _factory;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, TOptions> _values = new(StringComparer.Ordinal);
    private readonly List<IDisposable> _registrations = [];
    private readonly Lock _listenersLock = new();
    private ImmutableListeners _listeners = ImmutableListeners.Empty;

    public LastValidOptionsMonitor(IOptionsFactory<TOptions> factory, IEnumerable<IOptionsChangeTokenSource<TOptions>> sources, ILogger<LastValidOptionsMonitor<TOptions>> logger)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(logger);
        _factory = factory;
        _logger = logger;
        foreach (var source in sources)
        {
            _registrations.Add(ChangeToken.OnChange(source.GetChangeToken, static state => state.Monitor.Reload(state.Name), (Monitor: this, source.Name)));
        }
    }

    public TOptions CurrentValue => Get(Options.DefaultName);

    public TOptions Get(string? name) =>
        _values.GetOrAdd(name ?? Options.DefaultName, static (key, factory) => factory.Create(key), _factory);

    public IDisposable? OnChange(Action<TOptions, string?> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (_listenersLock)
        {
            _listeners = _listeners.Add(listener);
        }

        return new Subscription(this, listener);
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }

    private void Reload(string? name)
    {
        // A source without a name applies to every name in use.
        var names = name is null ? _values.Keys.ToArray() : [name];
        foreach (var key in names)
        {
            TOptions value;
            try
            {
                value = _factory.Create(key);
            }
            catch (OptionsValidationException e)
            {
                var type = typeof(TOptions).Name;
                _logger.ReloadRejected(type, e.Message);
                continue;
            }

            _values[key] = value;
            foreach (var listener in _listeners.Items)
            {
                listener(value, key);
            }
        }
    }

    private void Remove(Action<TOptions, string?> listener)
    {
        lock (_listenersLock)
        {
            _listeners = _listeners.Remove(listener);
        }
    }

    // Copy-on-write, so Reload iterates without the lock.
    private sealed class ImmutableListeners(Action<TOptions, string?>[] items)
    {
        public static readonly ImmutableListeners Empty = new([]);

        public Action<TOptions, string?>[] Items { get; } = items;

        public ImmutableListeners Add(Action<TOptions, string?> listener) => new([.. Items, listener]);

        public ImmutableListeners Remove(Action<TOptions, string?> listener)
        {
            var index = Array.IndexOf(Items, listener);
            return index < 0 ? this : new([.. Items[..index], .. Items[(index + 1)..]]);
        }
    }

    private sealed class Subscription(LastValidOptionsMonitor<TOptions> monitor, Action<TOptions, string?> listener) : IDisposable
    {
        public void Dispose() => monitor.Remove(listener);
    }
}
