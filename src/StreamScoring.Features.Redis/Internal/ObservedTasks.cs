namespace StreamScoring.Features.Redis.Internal;

/// <summary>Waits on pipelined Redis calls so that no failure is left unobserved.</summary>
internal static class ObservedTasks
{
    /// <summary>Awaits every task; on failure, observes the others before the first failure propagates.</summary>
    public static async Task WhenAllAsync(Task[] tasks)
    {
        try
        {
            await Task.WhenAll(tasks);
        }
        catch
        {
            ObserveAll(tasks);
            throw;
        }
    }

    /// <summary>
    /// Only the first failure propagates; the others are observed so they never reach UnobservedTaskException.
    /// Null entries (calls never sent) are skipped.
    /// </summary>
    public static void ObserveAll(Task?[] tasks)
    {
        foreach (var task in tasks)
        {
            _ = task?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }
}
