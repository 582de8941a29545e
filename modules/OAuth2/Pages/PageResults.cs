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

    /// <summary>A page that only says what went wrong.</summary>
    public static RazorComponentResult<MessagePage> Message(string title, string message, int statusCode) =>
        Of<MessagePage>(new { Title = title, Message = message }, statusCode);
}
