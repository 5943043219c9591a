using FluentValidation;

namespace CovidEntry.App.Shared;

/// <summary>
/// A FluentValidation validator that MudForm can call field by field through
/// <see cref="ValidateValue"/>, so each message appears at the field it is about.
/// </summary>
public abstract class MudFluentValidator<T> : AbstractValidator<T>
{
    public Func<object, string, Task<IEnumerable<string>>> ValidateValue => async (model, propertyName) =>
    {
        var result = await ValidateAsync(ValidationContext<T>.CreateWithOptions((T)model, options => options.IncludeProperties(propertyName)));
        return result.IsValid ? [] : result.Errors.Select(e => e.ErrorMessage).ToList();
    };
}
