using System.Threading.Channels;
using CovidEntry.App.Data;
using CovidEntry.App.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace CovidEntry.App.Features.Exports;

/// <summary>
/// Keeps this instance's public files current (docs/decisions/032). Triggers notify
/// <see cref="DataChannel"/> when a commit adds versions or reported days or changes the catalog or
/// the jurisdictions; after a quiet moment one instance (an advisory lock) makes the files once and
/// stores the whole generation in one transaction, which notifies <see cref="FilesChannel"/>; every
/// instance then loads it and swaps it in whole. A check every few seconds covers a lost notification.
/// </summary>
public sealed class PublicFileWorker(
    IDbContextFactory<CovidEntryDbContext> dbFactory,
    PublicFileBuilder builder,
    PublicFileStore store,
    RebuildGarbage garbage,
    IOptions<PublicFileOptions> options,
    TimeProvider clock,
    ILogger<PublicFileWorker> logger) : BackgroundService
{
    public const string DataChannel = "public_data";
    public const string FilesChannel = "public_files";

    /// <summary>Generations kept in the database: the newest and the two before it (an instance may still be loading one).</summary>
    public const int GenerationsKept = 3;

    private readonly PublicFileOptions _options = options.Value;
    private readonly Channel<string> _signals = Channel.CreateUnbounded<string>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string connectionString;
        await using (var db = await dbFactory.CreateDbContextAsync(stoppingToken))
        {
            connectionString = db.Database.GetConnectionString()!;
        }

        var listening = ListenAsync(connectionString, stoppingToken);
        var retry = TimeSpan.FromSeconds(1);
        var poll = TimeSpan.FromSeconds(_options.PollSeconds);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RefreshAsync(connectionString, stoppingToken);
                    retry = TimeSpan.FromSeconds(1);
                    await WaitForChangeAsync(poll, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    // The generation being served stays; after BehindLimitSeconds requests are answered from the database.
                    logger.LogError(ex, "Making or loading the public files failed; trying again in {RetrySeconds} s", retry.TotalSeconds);
                    try
                    {
                        await Task.Delay(retry, clock, stoppingToken);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }

                    retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
                }
            }
        }
        finally
        {
            await listening;
        }
    }

    /// <summary>Waits for a notification or the next check; after a data change, for a quiet moment too.</summary>
    private async Task WaitForChangeAsync(TimeSpan poll, CancellationToken stoppingToken)
    {
        using var pollTimeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        pollTimeout.CancelAfter(poll);
        string signal;
        try
        {
            signal = await _signals.Reader.ReadAsync(pollTimeout.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return;
        }

        if (signal != DataChannel)
        {
            return;
        }

        // Commits that come together (a publish, its edits) make one generation.
        var deadline = clock.GetUtcNow() + TimeSpan.FromMilliseconds(_options.MaxDelayMilliseconds);
        while (clock.GetUtcNow() < deadline)
        {
            using var quiet = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var wait = TimeSpan.FromMilliseconds(Math.Min(_options.DebounceMilliseconds, Math.Max(0, (deadline - clock.GetUtcNow()).TotalMilliseconds)));
            quiet.CancelAfter(wait);
            try
            {
                await _signals.Reader.ReadAsync(quiet.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task ListenAsync(string connectionString, CancellationToken stoppingToken)
    {
        var retry = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var listener = new NpgsqlConnection(connectionString);
                await listener.OpenAsync(stoppingToken);
                listener.Notification += (_, e) => _signals.Writer.TryWrite(e.Channel);
                await using (var listen = new NpgsqlCommand($"LISTEN {DataChannel}; LISTEN {FilesChannel}", listener))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                // Whatever happened while not listening is looked at now.
                _signals.Writer.TryWrite(FilesChannel);
                retry = TimeSpan.FromSeconds(1);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await listener.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Listening for published changes failed; checking every {PollSeconds} s meanwhile, listening again in {RetrySeconds} s",
                    _options.PollSeconds, retry.TotalSeconds);
                try
                {
                    await Task.Delay(retry, clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    /// <summary>Brings this instance's files up to the data: loads the generation of the current key, making it first if nobody has.</summary>
    public async Task RefreshAsync(string connectionString, CancellationToken cancellationToken)
    {
        PublicFileSource source;
        long? generationId;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            source = await PublicFileSource.ReadAsync(db, cancellationToken);
            if (store.Loaded?.Key == source.Key)
            {
                return;
            }

            store.MarkBehind(source.Key);
            generationId = await GenerationOfAsync(db, source.Key, cancellationToken);
        }

        if (generationId is null)
        {
            // One instance makes the files; the others load them when they are told they are stored.
            await using var lockConnection = new NpgsqlConnection(connectionString);
            await lockConnection.OpenAsync(cancellationToken);
            await using (var tryLock = new NpgsqlCommand($"SELECT pg_try_advisory_lock({AdvisoryLocks.PublicFileBuild})", lockConnection))
            {
                if (await tryLock.ExecuteScalarAsync(cancellationToken) is not true)
                {
                    return;
                }
            }

            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                source = await PublicFileSource.ReadAsync(db, cancellationToken);
                generationId = await GenerationOfAsync(db, source.Key, cancellationToken);
                if (generationId is null)
                {
                    var set = await BuildAndStoreAsync(db, cancellationToken);
                    garbage.Collect(set.GenerationId);
                    store.Publish(set);
                    return;
                }
            }
            finally
            {
                await using var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({AdvisoryLocks.PublicFileBuild})", lockConnection);
                await unlock.ExecuteScalarAsync(CancellationToken.None);
            }
        }

        if (store.Loaded?.GenerationId != generationId)
        {
            var loaded = await LoadAsync(generationId.Value, cancellationToken);
            garbage.Collect(loaded.GenerationId);
            store.Publish(loaded);
        }
    }

    private static async Task<long?> GenerationOfAsync(CovidEntryDbContext db, string key, CancellationToken cancellationToken) =>
        await db.PublicFileGenerations.AsNoTracking().Where(g => g.SourceKey == key).Select(g => (long?)g.Id).SingleOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Makes the files and stores the generation, its files and the notification in one transaction:
    /// another instance sees all of it or none of it. Derived rows, written without the audit trail
    /// (docs/decisions/032).
    /// </summary>
    private async Task<PublicFileSet> BuildAndStoreAsync(CovidEntryDbContext db, CancellationToken cancellationToken)
    {
        var before = (await db.PublicFileBlobs.AsNoTracking()
                .Where(b => b.GenerationId == db.PublicFileGenerations.Max(g => (long?)g.Id))
                .Select(b => new { b.Path, b.Sha256, b.LastModifiedUtc }).ToListAsync(cancellationToken))
            .ToDictionary(b => b.Path, b => (b.Sha256, b.LastModifiedUtc));
        var (source, moments, files) = await builder.BuildAsync(path => before.TryGetValue(path, out var file) ? file : null, cancellationToken);

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        long id;
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO "PublicFileGenerations" ("SourceKey", "LastPublishedId", "BuiltAtUtc", "Moments") VALUES (@key, @last, @built, @moments)
            RETURNING "Id"
            """, connection))
        {
            insert.Parameters.AddWithValue("key", source.Key);
            insert.Parameters.AddWithValue("last", source.LastPublishedId);
            insert.Parameters.Add(new NpgsqlParameter<DateTime>("built", DateTime.SpecifyKind(source.DatabaseNowUtc, DateTimeKind.Utc)));
            insert.Parameters.Add(new NpgsqlParameter<DateTime[]>("moments", moments.Select(m => DateTime.SpecifyKind(m, DateTimeKind.Utc)).ToArray()));
            id = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
        }

        await using (var writer = await connection.BeginBinaryImportAsync("""
            COPY "PublicFileBlobs" ("GenerationId", "Path", "ContentType", "DownloadName", "Rows", "Length", "Sha256", "LastModifiedUtc", "Gzip", "Brotli")
            FROM STDIN (FORMAT BINARY)
            """, cancellationToken))
        {
            foreach (var file in files)
            {
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(id, NpgsqlDbType.Bigint, cancellationToken);
                await writer.WriteAsync(file.Path, NpgsqlDbType.Varchar, cancellationToken);
                await writer.WriteAsync(file.ContentType, NpgsqlDbType.Varchar, cancellationToken);
                if (file.DownloadName is { } name)
                {
                    await writer.WriteAsync(name, NpgsqlDbType.Varchar, cancellationToken);
                }
                else
                {
                    await writer.WriteNullAsync(cancellationToken);
                }

                await writer.WriteAsync(file.Rows, NpgsqlDbType.Bigint, cancellationToken);
                await writer.WriteAsync(file.Content.LongLength, NpgsqlDbType.Bigint, cancellationToken);
                await writer.WriteAsync(file.Sha256, NpgsqlDbType.Char, cancellationToken);
                await writer.WriteAsync(file.LastModified.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
                await writer.WriteAsync(file.Gzip ?? PublicFileCompression.Gzip(file.Content), NpgsqlDbType.Bytea, cancellationToken);
                if (file.Brotli is { } brotli)
                {
                    await writer.WriteAsync(brotli, NpgsqlDbType.Bytea, cancellationToken);
                }
                else
                {
                    await writer.WriteNullAsync(cancellationToken);
                }
            }

            await writer.CompleteAsync(cancellationToken);
        }

        await db.Database.ExecuteSqlAsync($"SELECT pg_notify({FilesChannel}, {id.ToString(System.Globalization.CultureInfo.InvariantCulture)})", cancellationToken);
        await db.Database.ExecuteSqlAsync($"""
            DELETE FROM "PublicFileGenerations" WHERE "Id" NOT IN (SELECT "Id" FROM "PublicFileGenerations" ORDER BY "Id" DESC LIMIT {GenerationsKept})
            """, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new PublicFileSet(id, source, files.ToDictionary(f => f.Path, StringComparer.Ordinal), moments);
    }

    /// <summary>A stored generation, checked against the hashes it was stored with.</summary>
    private async Task<PublicFileSet> LoadAsync(long generationId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var generation = await db.PublicFileGenerations.AsNoTracking().SingleAsync(g => g.Id == generationId, cancellationToken);
        var files = new Dictionary<string, PublicFile>(StringComparer.Ordinal);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT "Path", "ContentType", "DownloadName", "Rows", "Sha256", "LastModifiedUtc", "Gzip", "Brotli" FROM "PublicFileBlobs" WHERE "GenerationId" = @id
            """, connection);
        command.Parameters.AddWithValue("id", generationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var gzip = reader.GetFieldValue<byte[]>(6);
            var content = PublicFileCompression.Gunzip(gzip);
            var sha256 = reader.GetString(4);
            if (Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)) != sha256)
            {
                throw new InvalidOperationException($"The stored public file {reader.GetString(0)} of generation {generationId} does not match its SHA-256.");
            }

            var file = new PublicFile(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt64(3), content,
                gzip, reader.IsDBNull(7) ? null : reader.GetFieldValue<byte[]>(7), sha256, new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(5), DateTimeKind.Utc)));
            files[file.Path] = file;
        }

        var source = new PublicFileSource(generation.SourceKey, generation.LastPublishedId, DateTime.SpecifyKind(generation.BuiltAtUtc, DateTimeKind.Utc));
        logger.LogInformation("Public files of {SourceKey} loaded: generation {GenerationId}, {Files} files", source.Key, generationId, files.Count);
        return new PublicFileSet(generationId, source, files, generation.Moments.Select(m => DateTime.SpecifyKind(m, DateTimeKind.Utc)).ToArray());
    }
}
