// The "Copy details" button of the error panel shown when the app panics. Plain JavaScript on purpose:
// after a panic the WebAssembly app can no longer be trusted to run, but this button must still work.
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
