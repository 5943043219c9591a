using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace CovidEntry.App.Features.Admin;

/// <summary>Where invitations are mailed from (section <c>Email</c>); without a host nothing is mailed and admins copy the link.</summary>
public sealed class EmailSettings
{
    public const string Section = "Email";

    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary>
    /// How the connection is secured: <c>StartTls</c> (the default: upgrade, and refuse a server that
    /// cannot), <c>SslOnConnect</c> (port 465), <c>Auto</c> (whatever the server offers) or <c>None</c>
    /// (plain text, for a relay on the same machine).
    /// </summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.StartTls;

    public string? User { get; set; }

    /// <summary>Given through the environment (<c>Email__Password</c>), never in a file that is committed.</summary>
    public string? Password { get; set; }

    public string From { get; set; } = "";

    public string FromName { get; set; } = "CovidEntry";

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);
}

/// <summary>The mail could not be sent; the sentence says so, and the admin copies the link instead.</summary>
public sealed class InvitationNotSentException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// Mails a person their one-time link to set a password. The link is a secret until it is used: it
/// goes into the message and nowhere else (never into a log line).
/// </summary>
public sealed class InvitationMail(IOptions<EmailSettings> options, ILogger<InvitationMail> logger)
{
    public const string Subject = "You're invited to CovidEntry";
    public const string NewLinkSubject = "Your new link to CovidEntry";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public bool Enabled => options.Value.Enabled;

    public static string Body(string displayName, string invitedBy, string link, bool newLink) =>
        (newLink
            ? $"""
               Hello {displayName},

               here is a new link to choose your password for CovidEntry (the one you had before no longer matters):
               """
            : $"""
               Hello {displayName},

               {invitedBy} invited you to CovidEntry, where our volunteers enter and check public-health numbers together.
               To join, choose your password here:
               """)
        + $"""


           {link}

           The link works once. If it has stopped working, ask {invitedBy} for a new one.
           If you did not expect this message, you can ignore it: nothing happens until the link is used.

           Thank you for helping,
           CovidEntry
           """;

    public async Task SendAsync(string toEmail, string toName, string invitedBy, string link, bool newLink, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(settings.FromName, settings.From));
        message.To.Add(new MailboxAddress(toName, toEmail));
        message.Subject = newLink ? NewLinkSubject : Subject;
        message.Body = new TextPart("plain") { Text = Body(toName, invitedBy, link, newLink) };

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        using var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(settings.Host!, settings.Port, settings.Security, timeout.Token);
            if (!string.IsNullOrEmpty(settings.User))
            {
                await client.AuthenticateAsync(settings.User, settings.Password ?? "", timeout.Token);
            }

            await client.SendAsync(message, timeout.Token);
            await client.DisconnectAsync(quit: true, timeout.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The exception names the server and what it said, never the message's text (the link).
            logger.LogError(ex, "Mailing {Kind} to {Recipient} through {Host}:{Port} failed", newLink ? "a new link" : "an invitation", toEmail, settings.Host, settings.Port);
            throw new InvitationNotSentException(
                $"The email to {toEmail} could not be sent (the mail server did not take it). Copy the link below and send it to them yourself.", ex);
        }

        logger.LogInformation("Mailed {Kind} to {Recipient}", newLink ? "a new link" : "an invitation", toEmail);
    }
}
