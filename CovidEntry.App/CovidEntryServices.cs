using MudBlazor.Services;
using CovidEntry.App.Components.Account;
using CovidEntry.App.Features.Access;
using CovidEntry.App.Features.Admin;
using CovidEntry.App.Features.Alerts;
using CovidEntry.App.Features.Audit;
using CovidEntry.App.Features.Catalog;
using CovidEntry.App.Features.Diagnostics;
using CovidEntry.App.Features.Entries;
using CovidEntry.App.Features.Snapshots;
using CovidEntry.App.Features.Stats;
using CovidEntry.App.Features.History;
using CovidEntry.App.Features.Edits;
using CovidEntry.App.Features.Exports;
using CovidEntry.App.Features.Imports;
using CovidEntry.App.Features.Jurisdictions;
using CovidEntry.App.Features.Publish;
using CovidEntry.App.Features.Quality;
using CovidEntry.App.Features.Reconcile;
using CovidEntry.App.Features.Review;
using CovidEntry.App.Features.Screenshots;
using CovidEntry.App.Features.Shifts;
using CovidEntry.App.Shared;

namespace CovidEntry.App;

public static class CovidEntryServices
{
    /// <summary>Components, Identity and every feature's services; the database is added separately by AddData.</summary>
    public static void AddCovidEntry(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.AddIdentity();
        builder.AddSecurityHeaders();
        builder.RequireAllowedHosts();
        builder.AddAccess();
        builder.AddShared();
        builder.AddAdmin();
        builder.AddCatalog();
        builder.AddShifts();
        builder.AddAlerts();
        builder.AddJurisdictions();
        builder.AddQuality();
        builder.AddEntry();
        builder.AddReconcile();
        builder.AddReview();
        builder.AddPublish();
        builder.AddImports();
        builder.AddExports();
        builder.AddEdits();
        builder.AddHistory();
        builder.AddSnapshots();
        builder.AddStats();
        builder.AddScreenshots();
        builder.AddAudit();
        builder.AddTelemetry();
    }
}
