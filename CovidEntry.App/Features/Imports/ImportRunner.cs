using CovidEntry.Domain;

namespace CovidEntry.App.Features.Imports;

/// <summary>One import started from the admin page: what it is doing now, and how it ended.</summary>
public sealed record ImportRun(string FileName, string StartedByUserId, DateTime StartedAtUtc, ImportProgress Progress,
    ImportReport? Report = null, string? Error = null)
{
    public bool Running => Report is null && Error is null;
}

/// <summary>
/// Runs the admin page's imports apart from the page, so that an admin can leave the page while
/// a large file is written and find its progress, or its report, when they come back. One import
/// at a time per app instance (each takes the publish lock anyway). The upload's temporary file
/// is the runner's to delete.
/// </summary>
public sealed class ImportRunner(IServiceScopeFactory scopes, TimeProvider clock, ILogger<ImportRunner> logger)
{
    public const string ErrorMessage = "The import failed because of an error on our side; nothing was written. Try again, or use ./run.sh import-ctp.";

    private readonly Lock _gate = new();
    private Task _running = Task.CompletedTask;

    /// <summary>The running import, or the last one to finish since the app started.</summary>
    public ImportRun? Current { get; private set; }

    /// <summary>Raised on the runner's thread whenever <see cref="Current"/> changes.</summary>
    public event Action? Changed;

    /// <summary>Starts importing the file at <paramref name="uploadPath"/>; a sentence instead when another import is running.</summary>
    public string? TryStart(string uploadPath, string fileName, string userId)
    {
        lock (_gate)
        {
            if (Current is { Running: true } running)
            {
                File.Delete(uploadPath);
                return $"The import of {running.FileName} is still running; start the next one when it is done.";
            }

            Current = new ImportRun(fileName, userId, clock.GetUtcNow().UtcDateTime, new ImportProgress(ImportStage.Reading, 0, 0));
            _running = Task.Run(() => RunAsync(uploadPath, fileName, userId));
        }

        Changed?.Invoke();
        return null;
    }

    /// <summary>Completes when the current import has ended. (An import cut off by the app stopping is rolled back by PostgreSQL.)</summary>
    public Task WhenIdle() => _running;

    private async Task RunAsync(string uploadPath, string fileName, string userId)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await using var content = File.OpenRead(uploadPath);
            var progress = new InlineProgress(p => Update(run => run with { Progress = p }));
            var report = await scope.ServiceProvider.GetRequiredService<CtpImportService>().ImportAsync(content, fileName, userId, progress);
            Update(run => run with { Progress = new ImportProgress(ImportStage.Done, report.Rows, report.Cells), Report = report });
        }
        catch (DomainException ex)
        {
            // Refused (the person is no longer an admin): nothing was written, and they are told why.
            logger.LogWarning("Import of {FileName} by {UserId} refused: {Reason}", fileName, userId, ex.Message);
            Update(run => run with { Error = ex.Message });
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Import of {FileName} by {UserId} failed", fileName, userId);
            Update(run => run with { Error = ErrorMessage });
        }
        finally
        {
            File.Delete(uploadPath);
        }
    }

    private void Update(Func<ImportRun, ImportRun> change)
    {
        lock (_gate)
        {
            Current = change(Current!);
        }

        Changed?.Invoke();
    }

    /// <summary>Reports on the import's own thread, in order (<see cref="Progress{T}"/> would post them to the thread pool, where they can overtake each other).</summary>
    private sealed class InlineProgress(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }
}
