namespace CovidEntry.Tests.Infrastructure;

/// <summary>For an app the test cannot reach into (another process): reads again until what it reads holds.</summary>
public static class Eventually
{
    /// <summary>
    /// The public files are made a moment after each commit (docs/decisions/032): reads
    /// <paramref name="read"/> until <paramref name="holds"/>, and returns what was read last.
    /// </summary>
    public static async Task<string> ReadAsync(Func<Task<string>> read, Func<string, bool> holds, TimeSpan? timeout = null)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var text = await read();
            if (holds(text) || waited.Elapsed > (timeout ?? TimeSpan.FromSeconds(30)))
            {
                return text;
            }

            await Task.Delay(200);
        }
    }
}
