using System.Collections.Concurrent;
using System.Globalization;
using CovidEntry.Domain;
using Microsoft.Extensions.Options;

namespace CovidEntry.App.Features.Screenshots;

/// <summary>
/// How many images one person may upload or paste in a minute (<see cref="ScreenshotSettings.UploadsPerMinute"/>),
/// counted before anything is decoded, refused or stored alike: a volunteer's session must not be
/// able to keep the server decoding. Counted per instance, in memory: sticky sessions keep a person
/// on one instance.
/// </summary>
public sealed class UploadRateLimit(IOptions<ScreenshotSettings> settings, TimeProvider clock)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _recent = new(StringComparer.Ordinal);

    /// <summary>Counts one upload by <paramref name="userId"/>, or throws a sentence saying when to try again.</summary>
    public void Take(string userId)
    {
        var now = clock.GetUtcNow();
        var limit = Math.Max(1, settings.Value.UploadsPerMinute);
        var times = _recent.GetOrAdd(userId, _ => new Queue<DateTimeOffset>());
        lock (times)
        {
            while (times.Count > 0 && now - times.Peek() >= Window)
            {
                times.Dequeue();
            }

            if (times.Count >= limit)
            {
                var wait = Math.Max(1, (int)Math.Ceiling((times.Peek() + Window - now).TotalSeconds));
                throw new DomainException(string.Create(CultureInfo.InvariantCulture,
                    $"You have added {limit} images in the last minute, the most one person may; nothing was stored. Try again in {wait} seconds."));
            }

            times.Enqueue(now);
        }
    }
}
