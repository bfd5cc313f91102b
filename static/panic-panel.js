// The error panel shown when the app panics, and its "Copy details" button. Plain JavaScript on purpose:
// after a panic the WebAssembly app can no longer be trusted to run, but the panel and its button must
// still work. The app's panic hook (src/ui/mod.rs) calls showPanicPanel with the panic's message.
window.showPanicPanel = (info) => {
  console.error(info);
  const make = (tag, attributes, text) => {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
    element.textContent = text;
    return element;
  };
  const panel = make('div', { class: 'crash-panel', role: 'alert', 'data-testid': 'panic-panel' }, '');
  panel.append(
    make('p', {}, 'Redelivery Lab stopped because of a bug. Reload the page to start again; a share link ' +
      'copied earlier still replays your run. The details below help us fix it.'),
    make('textarea', { id: 'panic-details', readonly: '', rows: '4', 'aria-label': 'Error details',
      'data-testid': 'panic-details' }, `${info}\npage: ${location.href}\nbrowser: ${navigator.userAgent}`),
    make('button', { type: 'button', 'data-copy-from': 'panic-details', 'data-testid': 'panic-copy' },
      'Copy details'),
  );
  document.body.prepend(panel);
};

document.addEventListener('click', (event) => {
  const button = event.target.closest('[data-copy-from]');
  const source = button && document.getElementById(button.dataset.copyFrom);
  if (!source) return;
  const report = (copied) => {
    button.textContent = copied ? 'Copied' : 'Select the text above and copy it';
  };
  source.select();
  const legacy = () => report(document.execCommand('copy'));
  if (navigator.clipboard) navigator.clipboard.writeText(source.value).then(() => report(true), legacy);
  else legacy();
});
