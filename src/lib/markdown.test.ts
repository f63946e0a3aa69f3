import { renderMarkdown } from './markdown';

describe('renderMarkdown (safe subset)', () => {
  it.each([
    ['plain text becomes a paragraph', 'Hello', '<p>Hello</p>'],
    ['strong and em', 'a **b** *c* _d_', '<p>a <strong>b</strong> <em>c</em> <em>d</em></p>'],
    ['inline code keeps markers literal', 'use `x * y * z` here', '<p>use <code>x * y * z</code> here</p>'],
    ['lists', '- one\n- two\n\n1. first\n2. second', '<ul><li>one</li><li>two</li></ul>\n<ol><li>first</li><li>second</li></ol>'],
    ['fenced code', '```python\nprint(1 < 2)\n```', '<pre><code class="language-python">print(1 &lt; 2)</code></pre>'],
    ['raw HTML is escaped', '<img src=x onerror=alert(1)> <script>x</script>', '<p>&lt;img src=x onerror=alert(1)&gt; &lt;script&gt;x&lt;/script&gt;</p>'],
    ['snake_case words are not emphasis', 'learning_rate and max_depth', '<p>learning_rate and max_depth</p>'],
    ['line breaks inside a paragraph', '第一行\n第二行', '<p>第一行<br>第二行</p>'],
    ['a code fence language cannot inject', '```"><script>\nx\n```', '<p>```&quot;&gt;&lt;script&gt;<br>x</p>\n<pre><code></code></pre>'],
  ])('%s', (_label, source, html) => {
    expect(renderMarkdown(source)).toBe(html);
  });
});
