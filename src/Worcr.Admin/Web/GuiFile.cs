namespace Worcr.Admin.Web;

/// <summary>One file of the admin GUI, read once from the assembly, with the strong ETag of its content.</summary>
internal sealed record GuiFile(byte[] Content, string ContentType, string ETag);
