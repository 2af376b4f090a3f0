import { html } from './html';

describe('html', () => {
  it('escapes every interpolated value, in text and in attributes', () => {
    const hostile = `"><script>alert('x')</script>`;

    const markup = html`<p title="${hostile}">${hostile}</p>`.markup;

    expect(markup).toBe(
      '<p title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p>',
    );
  });

  it('keeps nested templates as markup and renders absent values as nothing', () => {
    const items = ['a<', 'b'].map((x) => html`<li>${x}</li>`);

    // prettier-ignore
    const markup = html`<ul>${items}${undefined}${false}</ul>`.markup;

    expect(markup).toBe('<ul><li>a&lt;</li><li>b</li></ul>');
  });
});
