using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace CovidEntry.App.Features.Screenshots;

/// <summary>
/// The machine's Chromium, driven by Playwright. Nothing here downloads a browser: the machine
/// provides one (the distribution package), so captures and tests work offline and alike everywhere.
/// </summary>
public static partial class ChromiumBrowser
{
    /// <summary>Where to look when nothing is configured; test.sh also honours it.</summary>
    public const string EnvironmentVariable = "COVIDENTRY_CHROMIUM";

    private const string Fallback = "/usr/bin/chromium";

    /// <summary>
    /// Starts Chromium for captures: with its sandbox always on (a page from the internet is
    /// opened, and a renderer exploit must land in a sandbox, not in the app), every request sent
    /// to <paramref name="proxyAddress"/> (the capture proxy, loopback included) and nothing that
    /// could leave another way (QUIC, WebRTC over UDP, DNS prefetching). When the app runs as root,
    /// where Chromium's sandbox cannot start, Chromium is started through a wrapper that hands it
    /// to <see cref="ScreenshotSettings.ChromiumUser"/>. It gets none of the app's environment
    /// (connection strings and other secrets live there).
    /// </summary>
    public static async Task<IBrowser> LaunchForCapturesAsync(IPlaywright playwright, ScreenshotSettings settings, string proxyAddress)
    {
        ArgumentNullException.ThrowIfNull(playwright);
        ArgumentNullException.ThrowIfNull(settings);
        var chromium = FindExecutable(settings.ChromiumPath);
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var executable = OperatingSystem.IsLinux() && IsRoot ? SandboxWrapper.Prepare(chromium, settings.ChromiumUser) : chromium;
        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,

            // Playwright passes --no-sandbox unless told otherwise.
            ChromiumSandbox = true,
            Env = new Dictionary<string, string>
            {
                ["PATH"] = "/usr/local/bin:/usr/bin:/bin",
                ["HOME"] = string.IsNullOrEmpty(home) ? Path.GetTempPath() : home,
                ["LANG"] = "C.UTF-8",
            },
            Args =
            [
                "--disable-gpu",

                // No updater, sync or field trials: they would reach for the internet, which may not exist.
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",

                // Everything through the capture proxy, which checks every address. Chromium
                // skips the proxy for loopback unless <-loopback> takes that exception away.
                $"--proxy-server={proxyAddress}",
                "--proxy-bypass-list=<-loopback>",

                // Ways out that a proxy would not see: QUIC and WebTransport (UDP), WebRTC's UDP
                // (only TCP through the proxy is left), and name lookups ahead of requests.
                "--disable-quic",
                "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
                "--webrtc-ip-handling-policy=disable_non_proxied_udp",
                "--dns-prefetch-disable",
                "--disable-features=WebTransport,DirectSockets,NetworkPrediction",
            ],
        });
    }

    /// <summary>
    /// The sentence a capture fails with when Chromium could not start, from Playwright's error
    /// (which carries Chromium's own log).
    /// </summary>
    public static string WhyNotStarted(string error, ScreenshotSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (error.Contains("No usable sandbox", StringComparison.OrdinalIgnoreCase)
            || error.Contains("sandbox", StringComparison.OrdinalIgnoreCase) && error.Contains("namespace", StringComparison.OrdinalIgnoreCase))
        {
            return "Chromium's sandbox could not start, and captures never run without it: allow unprivileged user namespaces "
                + "(sysctl kernel.unprivileged_userns_clone=1; in Docker, a seccomp profile that allows them, see the README), then try again.";
        }

        if (error.Contains(SandboxWrapper.NoSuchUserMarker, StringComparison.Ordinal))
        {
            return $"Chromium runs as the user {settings.ChromiumUser} when the app runs as root, and there is no such user: create it "
                + $"(useradd --system --no-create-home --shell /usr/sbin/nologin {settings.ChromiumUser}; run.sh and test.sh do) or set Screenshots:ChromiumUser.";
        }

        return $"Chromium could not be started: {error.Split('\n', 2)[0].Trim().TrimEnd('.')}.";
    }

    /// <summary>
    /// The configured path if there is one, else <c>COVIDENTRY_CHROMIUM</c>, else <c>chromium</c> on
    /// PATH, else /usr/bin/chromium.
    /// </summary>
    public static string FindExecutable(string? configuredPath = null)
    {
        var chosen = string.IsNullOrWhiteSpace(configuredPath)
            ? Environment.GetEnvironmentVariable(EnvironmentVariable)
            : configuredPath;
        if (!string.IsNullOrWhiteSpace(chosen))
        {
            return File.Exists(chosen)
                ? chosen
                : throw new InvalidOperationException(
                    $"Chromium was not found at {chosen}, the path configured in Screenshots:ChromiumPath or {EnvironmentVariable}: correct the path, or remove it to use chromium on PATH.");
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "chromium"))
            .FirstOrDefault(File.Exists);
        return onPath ?? (File.Exists(Fallback)
            ? Fallback
            : throw new InvalidOperationException(
                "Chromium was not found on PATH nor at /usr/bin/chromium. Screenshots and the browser tests use the system's Chromium and never download one: install it (apt-get install chromium; ./test.sh does) or set Screenshots:ChromiumPath."));
    }

    /// <summary>Whether the app runs as root (effective user id 0, the second number of "Uid:" in /proc/self/status).</summary>
    internal static bool IsRoot =>
        OperatingSystem.IsLinux()
        && File.ReadLines("/proc/self/status").FirstOrDefault(line => line.StartsWith("Uid:", StringComparison.Ordinal)) is { } uid
        && uid.Split('\t', StringSplitOptions.RemoveEmptyEntries) is [_, _, "0", ..];

    /// <summary>
    /// The script Chromium is started through when the app is root: it gives Playwright's profile
    /// folder to the capture user and becomes that user (setpriv, no capabilities, no groups, an
    /// empty environment) before it execs Chromium, keeping Playwright's pipe (fds 3 and 4).
    /// </summary>
    internal static partial class SandboxWrapper
    {
        public const string NoSuchUserMarker = "covidentry: no such capture user";

        private static readonly Lock Gate = new();
        private static string? _folder;

        [System.Runtime.Versioning.SupportedOSPlatform("linux")]
        public static string Prepare(string chromium, string user)
        {
            if (!UserName().IsMatch(user))
            {
                throw new InvalidOperationException($"Screenshots:ChromiumUser \"{user}\" is not a user name (lower-case letters, digits, - and _).");
            }

            var script = $$"""
                #!/bin/sh
                # Written by CovidEntry for its captures: Chromium runs sandboxed as {{user}}, never as root.
                set -eu
                if ! id -u '{{user}}' >/dev/null 2>&1; then
                  echo "{{NoSuchUserMarker}} '{{user}}'" >&2
                  exit 70
                fi
                profile=
                for argument in "$@"; do
                  case "$argument" in
                    --user-data-dir=*) profile="${argument#--user-data-dir=}" ;;
                  esac
                done
                if [ -z "$profile" ] || [ ! -d "$profile" ]; then
                  echo "covidentry: Chromium needs a --user-data-dir folder" >&2
                  exit 64
                fi
                group=$(id -g '{{user}}')
                chown -R "{{user}}:$group" "$profile"
                chmod 0700 "$profile"
                exec /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$profile" LANG=C.UTF-8 \
                  XDG_CONFIG_HOME="$profile/.config" XDG_CACHE_HOME="$profile/.cache" \
                  setpriv --reuid='{{user}}' --regid="$group" --clear-groups --inh-caps=-all -- '{{chromium.Replace("'", "'\\''", StringComparison.Ordinal)}}' "$@"
                """;
            lock (Gate)
            {
                // A folder only root can enter, so nobody can swap the script between writing and running it.
                _folder ??= Directory.CreateTempSubdirectory("covidentry-chromium-").FullName;
                File.SetUnixFileMode(_folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                var path = Path.Combine(_folder, "chromium-as-" + user);
                File.WriteAllText(path, script.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                return path;
            }
        }

        [GeneratedRegex("^[a-z_][a-z0-9_-]{0,31}$")]
        private static partial Regex UserName();
    }
}
