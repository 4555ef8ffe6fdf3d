import { render } from 'preact';
import { App } from './components/app';

const root = document.getElementById('app');
if (root !== null) {
  root.textContent = '';
  render(<App />, root);
}
