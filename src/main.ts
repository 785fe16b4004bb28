import { mount } from 'svelte';
import { registerSW } from 'virtual:pwa-register';
import App from './App.svelte';
import { appUpdate } from './state/app-update.svelte';
import './app.css';

mount(App, { target: document.getElementById('app')! });
// workbox-window waits for the window's load event, then installs the worker in the background.
appUpdate.register(registerSW);
