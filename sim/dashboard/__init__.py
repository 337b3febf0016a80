"""The students' dashboard: Mesa's SolaraViz over the model's own tables (``sim/app.py``).

``controls`` turns the config tree and the schemas into widgets and builds the model from
them; ``figures`` draws the pages with Matplotlib from ``model_frame()``, ``states_frame()``,
``localities_frame()`` and ``instruments_frame()``; ``canvas`` turns them into images step
after step, drawing only what a step changed; ``pages`` wraps the figures as Solara components,
one list entry per panel and page, and names the tabs.
"""
