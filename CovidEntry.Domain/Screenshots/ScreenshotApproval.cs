namespace CovidEntry.Domain.Screenshots;

/// <summary>
/// A lead's word that a screenshot may be shown to the public. Screenshots become public only as
/// evidence of something published (a published value cites them) or through one of these: an
/// upload nobody reviewed stays with the staff. Screenshots are immutable, so approving one is a
/// row of its own, never a change to the screenshot; approvals are never changed or removed.
/// </summary>
public sealed class ScreenshotApproval
{
    private ScreenshotApproval()
    {
    }

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid ScreenshotId { get; private set; }
    public string ApprovedByUserId { get; private set; } = "";
    public DateTime ApprovedAtUtc { get; private set; }

    public static ScreenshotApproval Approve(Guid screenshotId, string leadUserId, DateTime nowUtc)
    {
        if (string.IsNullOrWhiteSpace(leadUserId))
        {
            throw new DomainException("A screenshot is approved by a lead.");
        }

        return new ScreenshotApproval { ScreenshotId = screenshotId, ApprovedByUserId = leadUserId, ApprovedAtUtc = nowUtc };
    }
}
