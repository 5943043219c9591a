using CovidEntry.Domain;
using CovidEntry.Domain.Batches;
using CovidEntry.Domain.History;

namespace CovidEntry.Tests.Domain;

public class EditBatchTests
{
    private static readonly DateTime Now = new(2026, 11, 23, 20, 0, 0, DateTimeKind.Utc);
    private static readonly DateOnly From = new(2020, 11, 1);
    private static readonly DateOnly To = new(2020, 11, 14);

    private static Batch NewEdit() => Batch.Edit("NY", From, To, "NY revised deaths after a data audit", "https://coronavirus.health.ny.gov/", "lena", Now);

    [Fact]
    public void AnEditNeedsANoteAndAValidLinkAndASensibleRange()
    {
        Assert.Contains("needs a note", Assert.Throws<DomainException>(() => Batch.Edit("NY", From, To, " ", null, "lena", Now)).Message);
        Assert.Contains("http", Assert.Throws<DomainException>(() => Batch.Edit("NY", From, To, "why", "ftp://x", "lena", Now)).Message);
        Assert.Contains("before the start", Assert.Throws<DomainException>(() => Batch.Edit("NY", To, From, "why", null, "lena", Now)).Message);
        Assert.Contains("at most", Assert.Throws<DomainException>(() => Batch.Edit("NY", From, From.AddDays(Batch.MaxEditDays), "why", null, "lena", Now)).Message);
        Assert.Equal(BatchKind.Edit, NewEdit().Kind);
    }

    [Fact]
    public void ANoOpEditIsRefusedAndSettingACellBackDropsItsChange()
    {
        var edit = NewEdit();
        var cell = new CellKey("NY", To, "death");

        Assert.Contains("nothing to change", Assert.Throws<DomainException>(() => edit.EditCell(cell, 100, 100)).Message);
        edit.EditCell(cell, 100, 103);
        edit.EditCell(cell, 100, 104);
        Assert.Equal([(cell, (long?)100, (long?)104)], edit.Edits.Select(e => (e.Cell, e.Previous, e.Value)));

        edit.EditCell(cell, 100, 100);

        Assert.Empty(edit.Edits);
        Assert.Contains("changes no cell", edit.WhyCannotPublish("omar"));
    }

    [Fact]
    public void AnEditStaysInsideItsJurisdictionAndDates()
    {
        var edit = NewEdit();

        Assert.Throws<DomainException>(() => edit.EditCell(new CellKey("NJ", To, "death"), 1, 2));
        Assert.Throws<DomainException>(() => edit.EditCell(new CellKey("NY", To.AddDays(1), "death"), 1, 2));
        Assert.Throws<DomainException>(() => edit.EditCell(new CellKey("NY", To, "death"), 1, -2));
        Assert.Empty(edit.Edits);
    }

    [Fact]
    public void TheAuthorOfAnEditCannotPublishItButAnotherLeadCan()
    {
        var edit = NewEdit();
        edit.EditCell(new CellKey("NY", To, "death"), null, 5);

        Assert.Contains("another lead or an admin", edit.WhyCannotPublish("lena"));
        Assert.Throws<DomainException>(() => edit.MarkPublished("lena", Now));
        Assert.Null(edit.WhyCannotPublish("omar"));

        edit.MarkPublished("omar", Now);

        Assert.Equal(BatchStatus.Published, edit.Status);
        Assert.Throws<DomainException>(() => edit.EditCell(new CellKey("NY", To, "death"), 5, 6));
    }

    [Fact]
    public void OnlyAnEditBatchEditsCells()
    {
        var daily = Batch.Daily(To, ["NY"], "lena", Now);

        Assert.Throws<DomainException>(() => daily.EditCell(new CellKey("NY", To, "death"), 1, 2));
    }
}
