using System.Globalization;
using CovidEntry.App.Shared;
using CovidEntry.Domain.Jurisdictions;
using CovidEntry.Domain.Screenshots;
using FluentValidation;
using CovidEntry.App.Features.Screenshots;

namespace CovidEntry.App.Features.Jurisdictions;

/// <summary>A source as the admin edits it: selectors one per line, capture times as "HH:mm, HH:mm".</summary>
public sealed class SourceForm
{
    public string? Label { get; set; }
    public string? Url { get; set; }
    public int ViewportWidth { get; set; } = CaptureSettings.Default.ViewportWidth;
    public int ViewportHeight { get; set; } = CaptureSettings.Default.ViewportHeight;
    public string? WaitForSelector { get; set; }
    public int WaitSeconds { get; set; }
    public string? ClickSelectors { get; set; }
    public string? HideSelectors { get; set; }
    public bool WholePage { get; set; } = true;
    public string? ElementSelector { get; set; }
    public string? CaptureTimes { get; set; }

    public static SourceForm From(SourceRow row) => new()
    {
        Label = row.Label,
        Url = row.Url,
        ViewportWidth = row.Capture.ViewportWidth,
        ViewportHeight = row.Capture.ViewportHeight,
        WaitForSelector = row.Capture.WaitForSelector,
        WaitSeconds = row.Capture.WaitMilliseconds / 1000,
        ClickSelectors = string.Join('\n', row.Capture.ClickSelectors),
        HideSelectors = string.Join('\n', row.Capture.HideSelectors),
        WholePage = row.Capture.ElementSelector is null,
        ElementSelector = row.Capture.ElementSelector,
        CaptureTimes = string.Join(", ", row.Capture.TimesUtc.Select(t => t.ToString("HH:mm", CultureInfo.InvariantCulture))),
    };

    public CaptureSettings ToSettings() => new(
        ViewportWidth,
        ViewportHeight,
        WaitForSelector,
        WaitSeconds * 1000,
        Lines(ClickSelectors),
        Lines(HideSelectors),
        WholePage ? null : ElementSelector,
        ParseTimes(CaptureTimes) ?? throw new Domain.DomainException(TimesHelp));

    public const string TimesHelp = "Capture times are times of day in UTC, such as 14:00, 22:30 (or leave it empty to capture only on demand).";

    /// <summary>"14:00, 22:30" as times; null when something in it is not a time.</summary>
    public static IReadOnlyList<TimeOnly>? ParseTimes(string? text)
    {
        var times = new List<TimeOnly>();
        foreach (var part in (text ?? "").Split([',', ' ', ';', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (!TimeOnly.TryParseExact(part, ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
            {
                return null;
            }

            times.Add(time);
        }

        return times;
    }

    private static List<string> Lines(string? text) =>
        (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}

public sealed class SourceFormValidator : MudFluentValidator<SourceForm>
{
    public SourceFormValidator(CaptureTargets targets)
    {
        RuleFor(f => f.Label).NotEmpty().WithMessage("Give the source a label, such as \"Primary\" or \"Dashboard\".")
            .MaximumLength(JurisdictionSource.LabelMaxLength).WithMessage($"A label can be at most {JurisdictionSource.LabelMaxLength} characters.");
        RuleFor(f => f.Url).Must(BeAWebAddress).WithMessage("Enter the page's address, starting with http:// or https://.")
            .MaximumLength(JurisdictionSource.UrlMaxLength).WithMessage($"An address can be at most {JurisdictionSource.UrlMaxLength} characters.")
            .CustomAsync(async (url, context, cancellationToken) =>
            {
                // Checked now for a clear message here; the capture proxy checks again at every
                // request, since what a name resolves to can change after it was saved.
                if (!BeAWebAddress(url))
                {
                    return;
                }

                var check = await targets.CheckAsync(new Uri(url!.Trim()).Host, cancellationToken);
                if (check.Outcome == TargetCheckOutcome.Refused)
                {
                    context.AddFailure($"Captures only reach public internet addresses: {check.Explanation}. Give the page's public address.");
                }
                else if (check.Outcome == TargetCheckOutcome.Unresolved)
                {
                    context.AddFailure($"This address cannot be captured: {check.Explanation}. Check it in a browser.");
                }
            });
        RuleFor(f => f.ViewportWidth).InclusiveBetween(CaptureSettings.MinViewport, CaptureSettings.MaxViewportWidth)
            .WithMessage($"The window width must be between {CaptureSettings.MinViewport} and {CaptureSettings.MaxViewportWidth} pixels.");
        RuleFor(f => f.ViewportHeight).InclusiveBetween(CaptureSettings.MinViewport, CaptureSettings.MaxViewportHeight)
            .WithMessage($"The window height must be between {CaptureSettings.MinViewport} and {CaptureSettings.MaxViewportHeight} pixels.");
        RuleFor(f => f.WaitSeconds).InclusiveBetween(0, CaptureSettings.MaxWaitMilliseconds / 1000)
            .WithMessage($"The extra wait must be between 0 and {CaptureSettings.MaxWaitMilliseconds / 1000} seconds.");
        RuleFor(f => f.ElementSelector).NotEmpty().When(f => !f.WholePage)
            .WithMessage("Give the selector of the element to capture, or capture the whole page.");
        RuleFor(f => f.CaptureTimes).Must(t => SourceForm.ParseTimes(t) is not null).WithMessage(SourceForm.TimesHelp);
        RuleFor(f => f).Custom((form, context) =>
        {
            if (SourceForm.ParseTimes(form.CaptureTimes) is null)
            {
                return;
            }

            foreach (var problem in form.ToSettings().Normalized().Problems())
            {
                context.AddFailure(problem);
            }
        });
    }

    private static bool BeAWebAddress(string? url) =>
        Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
