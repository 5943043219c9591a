using CovidEntry.App.Features.Screenshots;
using Microsoft.Playwright;

namespace CovidEntry.Tests.Features;

/// <summary>What a capture says when it fails: the step it was in decides the sentence.</summary>
public sealed class CaptureAttemptTests
{
    private static readonly CaptureRecipe Recipe = new("https://example.org/covid", 1024, 700, null, 1500, [], [], null);

    private static CaptureAttempt At(CaptureStep step, string selector = "#numbers")
    {
        var attempt = new CaptureAttempt(Recipe, TimeSpan.FromSeconds(1.5));
        attempt.At(step, selector);
        return attempt;
    }

    [Theory]
    [InlineData(CaptureStep.Starting, "Chromium did not start within 1.5 s.")]
    [InlineData(CaptureStep.Loading, "The page did not finish loading within 1.5 s.")]
    [InlineData(CaptureStep.Waiting, "The selector \"#numbers\" never appeared within 1.5 s.")]
    [InlineData(CaptureStep.Pausing, "The page did not finish loading within 1.5 s: the recipe's 1500 ms pause did not fit.")]
    [InlineData(CaptureStep.Clicking, "The click target \"#numbers\" could not be clicked within 1.5 s: it stayed hidden, covered or disabled.")]
    [InlineData(CaptureStep.FindingElement, "The element \"#numbers\" to capture never appeared within 1.5 s.")]
    [InlineData(CaptureStep.Shooting, "The screenshot could not be taken within 1.5 s.")]
    public void ATimeoutIsToldByTheStepItHappenedIn(CaptureStep step, string sentence) =>
        Assert.Equal(sentence, At(step).TimedOut());

    [Fact]
    public void TheStepRunningOutOfTimeKeepsTheBlameWhenTheNextOneFailsBecauseTheContextClosed()
    {
        var attempt = At(CaptureStep.Waiting);
        attempt.Abandon();
        attempt.At(CaptureStep.FindingElement, "#card");

        Assert.True(attempt.Abandoned);
        Assert.Equal("The selector \"#card\" never appeared within 1.5 s.", attempt.TimedOut());
    }

    [Fact]
    public void ALoadThatFailsOnTheNetworkNamesTheErrorAndOtherFailuresTheirFirstLine()
    {
        var network = new PlaywrightException("page.goto: net::ERR_NAME_NOT_RESOLVED at https://example.org/covid\nCall log: …");
        var other = new PlaywrightException("Element is not attached to the DOM.\nCall log: …");

        Assert.Equal("The page could not be reached (net::ERR_NAME_NOT_RESOLVED).", At(CaptureStep.Loading).Failed(network));
        Assert.Equal("The click target \"#show\" could not be clicked: Element is not attached to the DOM.", At(CaptureStep.Clicking, "#show").Failed(other));
        Assert.Equal("Chromium could not open a tab: Element is not attached to the DOM.", At(CaptureStep.Opening).Failed(other));
    }

    [Fact]
    public void AFailureCarriesWhatWasKnownOfThePage()
    {
        var attempt = At(CaptureStep.Shooting);
        attempt.HttpStatus = 503;
        attempt.Title = "Service Unavailable";

        var failure = attempt.Fail("The page answered 503.");

        Assert.Equal(("The page answered 503.", (int?)503, "Service Unavailable", (string?)null), (failure.Message, failure.HttpStatus, failure.Title, failure.FinalUrl));
    }
}
