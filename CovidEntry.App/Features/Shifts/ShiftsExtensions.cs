namespace CovidEntry.App.Features.Shifts;

public static class ShiftsExtensions
{
    public static void AddShifts(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<ShiftService>();
        builder.Services.AddScoped<NewShiftFormValidator>();
    }
}
