using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Components.Rendering;

namespace CovidEntry.App.Components.Account.Shared;

/// <summary>
/// A password field that never writes the password back into the page. Blazor's InputText renders
/// its value, so a form shown again after a failed sign-in (or a refused new password) would carry
/// the password in its HTML: in caches, the back-forward cache, and anyone's view of the source.
/// </summary>
public sealed class InputPassword : InputText
{
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenElement(0, "input");
        builder.AddMultipleAttributes(1, AdditionalAttributes);
        builder.AddAttribute(2, "type", "password");
        if (!string.IsNullOrEmpty(NameAttributeValue))
        {
            builder.AddAttribute(3, "name", NameAttributeValue);
        }

        if (!string.IsNullOrEmpty(CssClass))
        {
            builder.AddAttribute(4, "class", CssClass);
        }

        builder.AddAttribute(5, "onchange", EventCallback.Factory.CreateBinder<string?>(this, value => CurrentValueAsString = value, null));
        builder.AddElementReferenceCapture(6, element => Element = element);
        builder.CloseElement();
    }
}
