/* render_html_app: the page's markup, style-free body and script, kept as a file of its own
 * (render_html_app.html) so it reads as HTML and JavaScript, and linked in as a string. */
__asm__(".section .rodata\n"
	".global render_html_app\n"
	".type render_html_app, @object\n"
	"render_html_app:\n"
	".incbin \"" SOCKLENS_HTML_APP "\"\n"
	".byte 0\n"
	".size render_html_app, . - render_html_app\n"
	".previous\n");
