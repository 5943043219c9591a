using System.Diagnostics;

namespace CovidEntry.App.Data;

/// <summary>
/// Files and folders that only the app's own user may read: the data folder, the database
/// passwords and the keys. Other accounts on the machine get nothing (docs/security.md).
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const string PostgresUser = "postgres";

    /// <summary>
    /// Makes the data folder private (0700). As root the cluster inside it runs as postgres, which
    /// must be able to pass through it: then the folder is root's, group postgres, 0710, so postgres
    /// can enter it (not list it) and other accounts cannot even enter.
    /// </summary>
    public static string PrepareDataDirectory(string directory, bool serverRunsAsPostgres)
    {
        directory = Path.GetFullPath(directory);
        Directory.CreateDirectory(directory, OwnerOnlyFolder);
        if (serverRunsAsPostgres)
        {
            Run("chgrp", PostgresUser, directory);
            File.SetUnixFileMode(directory, OwnerOnlyFolder | UnixFileMode.GroupExecute);
        }
        else
        {
            File.SetUnixFileMode(directory, OwnerOnlyFolder);
        }

        return directory;
    }

    /// <summary>Writes a file that is 0600 from the moment it exists (never readable by others, not even briefly).</summary>
    public static void WriteSecretFile(string path, string content)
    {
        var temporary = path + ".new";
        File.Delete(temporary);
        using (var stream = new FileStream(temporary, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = OwnerOnly,
        }))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }

        // A rename replaces the old file whole: a reader sees the old content or the new, never half.
        File.Move(temporary, path, overwrite: true);
        File.SetUnixFileMode(path, OwnerOnly);
    }

    /// <summary>
    /// Takes an exclusive lock held until the returned stream is disposed or the process ends
    /// (an advisory <c>flock</c>, which the kernel drops with the process); null when another
    /// process holds it.
    /// </summary>
    public static FileStream? TryLock(string path)
    {
        try
        {
            return new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.OpenOrCreate,
                Access = FileAccess.ReadWrite,
                Share = FileShare.None,
                UnixCreateMode = OwnerOnly,
            });
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Hands a folder to the postgres user (as root), private to it.</summary>
    public static void GiveToPostgres(string directory, bool recursive)
    {
        if (recursive)
        {
            Run("chown", "-R", $"{PostgresUser}:{PostgresUser}", directory);
        }
        else
        {
            Run("chown", $"{PostgresUser}:{PostgresUser}", directory);
        }

        File.SetUnixFileMode(directory, OwnerOnlyFolder);
    }

    public static async Task RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        using var process = Process.Start(StartInfo(fileName, arguments)) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}:\n{await output}\n{await error}");
        }
    }

    private static void Run(string fileName, params string[] arguments) =>
        RunAsync(fileName, arguments, CancellationToken.None).GetAwaiter().GetResult();

    private static ProcessStartInfo StartInfo(string fileName, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }
}
