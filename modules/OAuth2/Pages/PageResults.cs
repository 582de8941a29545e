using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ModularEmr.Modules.OAuth2.Pages;

/// <summary>The module's pages as results: Razor components rendered on the server (static rendering), values encoded by Razor.</summary>
public static class PageResults
{
    /// <summary><typeparamref name="TPage"/> with <paramref name="parameters"/> (an object whose properties name the component's parameters).</summary>
    public static RazorComponentResult<TPage> Of<TPage>(object parameters, int statusCode = StatusCodes.Status200OK)
        where TPage : IComponent => new(parameters) { StatusCode = statusCode };

    /// <summary>A page that only says what went wrong: a title and a message, both keys of <see cref="PageText"/>.</summary>
    public static RazorComponentResult<MessagePage> Message(string titleKey, string messageKey, int statusCode, params object[] arguments) =>
        Of<MessagePage>(new { Title = titleKey, MessageKey = messageKey, Arguments = arguments }, statusCode);

    /// <summary>A page that shows a reason composed elsewhere (a validation's), under a title that is a key of <see cref="PageText"/>.</summary>
    public static RazorComponentResult<MessagePage> Refusal(string titleKey, string reason, int statusCode) =>
        Of<MessagePage>(new { Title = titleKey, Message = reason }, statusCode);
}
